package io.cudawasm.runtime.logging;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.simple.SimpleServiceProvider;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The command line's SLF4J provider: slf4j-simple's loggers (its levels and text lines, configured as
 * before through {@code org.slf4j.simpleLogger.*}), each wrapped so that {@link LogFormat#JSON} turns
 * its output into JSON lines. The launcher selects it with the {@code slf4j.provider} property; code
 * that never sets the property (tests, embedders) gets slf4j-simple directly.
 */
public final class WorkerLogProvider implements SLF4JServiceProvider {
    private final SimpleServiceProvider simple = new SimpleServiceProvider();
    private ILoggerFactory factory;

    @Override
    public ILoggerFactory getLoggerFactory() {
        return factory;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return simple.getMarkerFactory();
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return simple.getMDCAdapter();
    }

    @Override
    public String getRequestedApiVersion() {
        return simple.getRequestedApiVersion();
    }

    @Override
    public void initialize() {
        simple.initialize();
        ILoggerFactory texts = simple.getLoggerFactory();
        factory = name -> new FormattedLogger(texts.getLogger(name));
    }
}
