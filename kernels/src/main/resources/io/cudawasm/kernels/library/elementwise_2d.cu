// A 2-D element-wise kernel over a pitched image: out = clamp(in * scale + shift, lo, hi).
// Launch: grid (ceil(width / 16), ceil(height / 16)), block (16, 16).
#define CLAMP(v, lo, hi) fminf(fmaxf((v), (lo)), (hi))

__global__ void scale_shift_2d(const float* in, float* out, int width, int height, int pitch,
                               float scale, float shift, float lo, float hi)
{
    const unsigned int x = blockIdx.x * blockDim.x + threadIdx.x;
    const unsigned int y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= (unsigned)width || y >= (unsigned)height) return;
    size_t idx = (size_t)y * pitch + x;
    float v = in[idx] * scale + shift;
    out[idx] = CLAMP(v, lo, hi);
}
