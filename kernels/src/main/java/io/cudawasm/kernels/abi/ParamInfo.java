package io.cudawasm.kernels.abi;

import io.cudawasm.kernels.types.ScalarKind;

/**
 * One kernel parameter as the launch API sees it: its place in the parameter block (laid out as
 * CUDA lays out kernel parameters: natural alignment, pointers 8 bytes).
 *
 * @param type the C type as written, e.g. {@code const float*}
 * @param scalar the arithmetic kind for SCALAR parameters, the pointee kind for pointers to numbers, else null
 * @param elementSize for pointers, the size of the pointee (0 for void*)
 */
public record ParamInfo(String name, String type, ParamKind kind, ScalarKind scalar, int offset, int size, int align,
        boolean pointeeConst, int elementSize) {}
