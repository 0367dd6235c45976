package io.cudawasm.runtime.backend.wasm;

/** Thrown by the host trap function a kernel calls on {@code __trap()}, stack overflow and the like. */
final class KernelTrap extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int code;
    private final int line;

    KernelTrap(int code, int line) {
        super("trap " + code + " at line " + line, null, false, false);
        this.code = code;
        this.line = line;
    }

    int code() {
        return code;
    }

    int line() {
        return line;
    }
}
