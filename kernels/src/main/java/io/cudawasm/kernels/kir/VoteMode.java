package io.cudawasm.kernels.kir;

/** Warp votes: __all_sync, __any_sync, __ballot_sync and __activemask (no predicate). */
public enum VoteMode {
    ALL,
    ANY,
    BALLOT,
    ACTIVEMASK
}
