package io.cudawasm.nutanix.prism;

import java.util.Objects;

/**
 * How the client proves who it is to Prism Central. Secrets are never part of {@code toString()}.
 */
public sealed interface Credentials permits Credentials.ApiKey, Credentials.Basic {

    /** A service-account API key, sent as {@code X-ntnx-api-key} (Prism Central pc.2024.3 and later). */
    record ApiKey(String key) implements Credentials {
        public ApiKey {
            Objects.requireNonNull(key, "key");
            if (key.isBlank()) {
                throw new IllegalArgumentException("the API key is empty");
            }
        }

        @Override
        public String toString() {
            return "ApiKey[key=****]";
        }
    }

    /** A user name and password, sent as HTTP Basic authentication on every request. */
    record Basic(String username, String password) implements Credentials {
        public Basic {
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(password, "password");
            if (username.isBlank()) {
                throw new IllegalArgumentException("the user name is empty");
            }
        }

        @Override
        public String toString() {
            return "Basic[username=" + username + ", password=****]";
        }
    }
}
