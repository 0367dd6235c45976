package io.cudawasm.runtime.benchreport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class StudentTTest {

    /** Reference quantiles from a statistics package (scipy.stats.t.ppf), to ten digits. */
    @ParameterizedTest
    @CsvSource({
        "0.975, 1, 12.70620473617",
        "0.975, 10, 2.228138851986",
        "0.9995, 4, 8.610301581380",
        "0.9995, 8, 5.041305433373",
        "0.9995, 9, 4.780912585931",
        "0.995, 30, 2.749995653567",
        "0.95, 2.5, 2.558218614136",
        "0.9995, 17.839, 3.928265745140",
        "0.9995, 1e9, 3.290526741222",
        "0.9995, 2e5, 3.290575380799",
        "0.975, 5e4, 1.960011431094"
    })
    void quantilesMatchAStatisticsPackage(double p, double df, double expected) {
        assertEquals(expected, StudentT.quantile(p, df), 1e-8 * expected);
    }

    @Test
    void isSymmetricAndInvertsTheCdf() {
        assertEquals(-StudentT.quantile(0.9, 7), StudentT.quantile(0.1, 7), 1e-12);
        assertEquals(0.0, StudentT.quantile(0.5, 3), 0.0);
        assertEquals(0.99, StudentT.cdf(StudentT.quantile(0.99, 3.3), 3.3), 1e-12);
        assertEquals(3.290526741222, StudentT.quantile(0.9995, Double.POSITIVE_INFINITY), 1e-8);
    }

    @Test
    void rejectsImpossibleArguments() {
        assertThrows(IllegalArgumentException.class, () -> StudentT.quantile(1.0, 4));
        assertThrows(IllegalArgumentException.class, () -> StudentT.quantile(0.9, 0));
    }
}
