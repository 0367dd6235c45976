package io.cudawasm.runtime.backend;

/** The back end a launch runs on, and why it was chosen (returned with every result). */
public record BackendChoice(Backend backend, String reason) {}
