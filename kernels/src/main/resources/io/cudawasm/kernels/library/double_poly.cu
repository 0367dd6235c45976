// Double precision: evaluates a Chebyshev-like polynomial with Horner's rule and a square root,
// y[i] = sqrt(|p(x[i])|) + x[i] / 3.
// Launch: grid ceil(n / 256), block 256.
__constant__ double coeffs[8] = {1.0, -0.5, 0.25, -0.125, 0.0625, -0.03125, 0.015625, -0.0078125};

__device__ double horner(double x)
{
    double r = coeffs[7];
    for (int k = 6; k >= 0; --k) {
        r = r * x + coeffs[k];
    }
    return r;
}

__global__ void double_poly(const double* x, double* y, long long n)
{
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) {
        double v = x[i];
        y[i] = sqrt(fabs(horner(v))) + v / 3.0;
    }
}
