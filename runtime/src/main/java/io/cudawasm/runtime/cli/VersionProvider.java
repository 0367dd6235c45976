package io.cudawasm.runtime.cli;

import picocli.CommandLine;

/** Reports the version recorded in the jar manifest (or "dev" when run from classes). */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = VersionProvider.class.getPackage().getImplementationVersion();
        return new String[] {"cuda-wasm " + (v == null ? "dev" : v)};
    }
}
