package io.cudawasm.runtime.backend.tornadovm;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/** Minimal reflection over the TornadoVM API, which is present only at run time. */
final class Reflect {
    private Reflect() {}

    static Class<?> type(String name) {
        try {
            return Class.forName(name);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("TornadoVM class " + name + " not found", e);
        }
    }

    static Object create(String className, Object... args) {
        Class<?> c = type(className);
        for (Constructor<?> k : c.getConstructors()) {
            Object[] a = coerce(k.getParameterTypes(), args);
            if (a != null) {
                return invoke(() -> k.newInstance(a));
            }
        }
        throw new IllegalStateException("no constructor " + className + " for " + args.length + " arguments");
    }

    static Object call(Object target, String method, Object... args) {
        Class<?> c = target instanceof Class<?> k ? k : target.getClass();
        Object receiver = target instanceof Class<?> ? null : target;
        for (Method m : c.getMethods()) {
            Object[] a = m.getName().equals(method) ? coerce(m.getParameterTypes(), args) : null;
            if (a != null) {
                return invoke(() -> m.invoke(receiver, a));
            }
        }
        throw new IllegalStateException("no method " + c.getName() + "." + method + " for " + args.length
                + " arguments");
    }

    /** A static constant: an enum value or a static field. */
    static Object constant(String className, String name) {
        try {
            return type(className).getField(name).get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("no constant " + className + "." + name, e);
        }
    }

    /** The arguments fitted to the parameter types (ints widen to longs and back), or null when they do not fit. */
    private static Object[] coerce(Class<?>[] params, Object[] args) {
        if (params.length != args.length) {
            return null;
        }
        Object[] out = args.clone();
        for (int i = 0; i < params.length; i++) {
            Class<?> p = wrap(params[i]);
            if (args[i] == null || p.isInstance(args[i])) {
                continue;
            }
            if (p == Long.class && args[i] instanceof Integer n) {
                out[i] = n.longValue();
            } else if (p == Integer.class && args[i] instanceof Long n && n == n.intValue()) {
                out[i] = n.intValue();
            } else {
                return null;
            }
        }
        return out;
    }

    private static Class<?> wrap(Class<?> c) {
        if (!c.isPrimitive()) {
            return c;
        }
        if (c == int.class) {
            return Integer.class;
        }
        if (c == long.class) {
            return Long.class;
        }
        if (c == byte.class) {
            return Byte.class;
        }
        if (c == boolean.class) {
            return Boolean.class;
        }
        if (c == short.class) {
            return Short.class;
        }
        if (c == float.class) {
            return Float.class;
        }
        return c == double.class ? Double.class : Character.class;
    }

    private interface Call {
        Object run() throws ReflectiveOperationException;
    }

    private static Object invoke(Call call) {
        try {
            return call.run();
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause.toString(), cause);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e.toString(), e);
        }
    }
}
