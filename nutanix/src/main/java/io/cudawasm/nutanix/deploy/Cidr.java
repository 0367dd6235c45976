package io.cudawasm.nutanix.deploy;

import java.util.regex.Pattern;

/** IPv4 and IPv6 CIDR blocks as a NetworkPolicy's {@code ipBlock.cidr} accepts them. */
final class Cidr {
    private static final Pattern IPV4 = Pattern.compile(
            "^((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])/(3[0-2]|[12]?[0-9])$");
    private static final Pattern IPV6 = Pattern.compile("^[0-9a-fA-F:]*:[0-9a-fA-F:.]*/(12[0-8]|1[01][0-9]|[1-9]?[0-9])$");

    private Cidr() {}

    static boolean isValid(String cidr) {
        return cidr != null && (IPV4.matcher(cidr).matches() || IPV6.matcher(cidr).matches());
    }

    static void require(String what, String cidr) {
        if (!isValid(cidr)) {
            throw new IllegalArgumentException(what + " CIDR '" + cidr + "' must be an address block such as 10.0.0.0/24");
        }
    }
}
