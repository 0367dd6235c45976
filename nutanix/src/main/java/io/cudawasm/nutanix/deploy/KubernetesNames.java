package io.cudawasm.nutanix.deploy;

import io.cudawasm.nutanix.NodeLabels;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.regex.Pattern;

/** The API server's syntax rules for names, label keys and quantities, checked before anything is sent. */
public final class KubernetesNames {
    private static final Pattern DNS1123_LABEL = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
    private static final Pattern DNS1123_SUBDOMAIN =
            Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");
    private static final Pattern QUALIFIED_NAME_PART = Pattern.compile("^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$");
    private static final Pattern ENV_NAME = Pattern.compile("^[-._a-zA-Z][-._a-zA-Z0-9]*$");
    private static final Pattern QUANTITY =
            Pattern.compile("^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(([KMGTPE]i)|[mkMGTPE]|[eE][+-]?[0-9]+)?$");

    private KubernetesNames() {}

    /** Namespaces, Services and most object names: at most 63 characters, lower-case alphanumerics and '-'. */
    public static boolean isDns1123Label(String s) {
        return s != null && s.length() <= 63 && DNS1123_LABEL.matcher(s).matches();
    }

    /** Names of ConfigMaps, Secrets, StorageClasses: at most 253 characters, dot-separated DNS labels. */
    public static boolean isDns1123Subdomain(String s) {
        return s != null && s.length() <= 253 && DNS1123_SUBDOMAIN.matcher(s).matches();
    }

    /** Label and annotation keys: an optional DNS-subdomain prefix and '/', then a name of at most 63 characters. */
    public static boolean isQualifiedName(String key) {
        if (key == null || key.isEmpty()) {
            return false;
        }
        int slash = key.indexOf('/');
        String name = key;
        if (slash >= 0) {
            if (key.indexOf('/', slash + 1) >= 0 || !isDns1123Subdomain(key.substring(0, slash))) {
                return false;
            }
            name = key.substring(slash + 1);
        }
        return name.length() <= 63 && QUALIFIED_NAME_PART.matcher(name).matches();
    }

    /** Label values (the empty string included). */
    public static boolean isLabelValue(String value) {
        return NodeLabels.isValidValue(value);
    }

    /** Environment variable names as the API server accepts them (C identifiers plus '-' and '.'). */
    public static boolean isEnvVarName(String s) {
        return s != null && ENV_NAME.matcher(s).matches();
    }

    /** True for a syntactically valid resource quantity such as {@code 500m}, {@code 10Gi} or {@code 2}. */
    public static boolean isQuantity(String s) {
        return s != null && QUANTITY.matcher(s).matches();
    }

    /** The number of bytes a storage quantity stands for ({@code 10Gi} = 10737418240). */
    public static BigDecimal bytes(String quantity) {
        return Quantity.getAmountInBytes(new Quantity(quantity));
    }
}
