package io.cudawasm.nutanix.prism;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/** Builds the client's {@link SSLContext} from a {@link NutanixConfig}. */
final class PrismTls {
    private PrismTls() {}

    static SSLContext sslContext(NutanixConfig config) {
        try {
            if (config.insecure()) {
                SSLContext ctx = SSLContext.getInstance("TLS");
                ctx.init(null, new TrustManager[] {new TrustEverything()}, null);
                return ctx;
            }
            if (config.caBundlePem().isEmpty()) {
                return SSLContext.getDefault();
            }
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int n = 0;
            for (X509Certificate ca : jdkTrustAnchors()) {
                trust.setCertificateEntry("jdk-" + n++, ca);
            }
            for (X509Certificate ca : parseCertificates(config.caBundlePem().get())) {
                trust.setCertificateEntry("bundle-" + n++, ca);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot set up TLS for Prism Central: " + e.getMessage(), e);
        }
    }

    /** Every certificate in a PEM text; fails when there is none. */
    static List<X509Certificate> parseCertificates(String pem) {
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            List<X509Certificate> certs = new ArrayList<>();
            for (var c : cf.generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
                certs.add((X509Certificate) c);
            }
            if (certs.isEmpty()) {
                throw new IllegalArgumentException("the CA bundle holds no PEM certificate");
            }
            return certs;
        } catch (CertificateException e) {
            throw new IllegalArgumentException("the CA bundle is not valid PEM: " + e.getMessage(), e);
        }
    }

    /** The JDK's trust anchors, read once: they do not change while the JVM runs. */
    private static final class JdkAnchors {
        static final List<X509Certificate> ALL;

        static {
            try {
                ALL = List.copyOf(readJdkTrustAnchors());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot read the JDK trust store", e);
            }
        }
    }

    private static List<X509Certificate> jdkTrustAnchors() {
        return JdkAnchors.ALL;
    }

    private static List<X509Certificate> readJdkTrustAnchors() throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init((KeyStore) null);
        List<X509Certificate> anchors = new ArrayList<>();
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509TrustManager x) {
                anchors.addAll(List.of(x.getAcceptedIssuers()));
            }
        }
        return anchors;
    }

    /**
     * Accepts every certificate. Being an {@link X509ExtendedTrustManager}, it also takes over JSSE's
     * host-name check, so insecure mode needs no JVM-wide {@code disableHostnameVerification} property.
     */
    private static final class TrustEverything extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
