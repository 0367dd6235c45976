package io.cudawasm.kernels.ptx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ItaniumDemanglerTest {

    /** nvcc's name of the interval sample's kernel: a class template instance naming the function's T_. */
    @Test
    void classTemplateArgumentsMayNameTheFunctionsTemplateParameters() {
        ItaniumDemangler.Signature s = ItaniumDemangler.demangle("_Z20test_interval_newtonIdEvP12interval_gpuIT_EPiS2_i")
                .orElseThrow();
        assertEquals("test_interval_newton<double>", s.name());
        assertEquals(List.of("interval_gpu<double>*", "int*", "interval_gpu<double>", "int"),
                s.params().stream().map(ItaniumDemangler.Type::display).toList());
    }

    @Test
    void plainKernelsStillDemangle() {
        ItaniumDemangler.Signature s = ItaniumDemangler.demangle("_Z9vectorAddPKfS0_Pfi").orElseThrow();
        assertEquals("vectorAdd", s.name());
        assertEquals(List.of("const float*", "const float*", "float*", "int"),
                s.params().stream().map(ItaniumDemangler.Type::display).toList());
    }
}
