// Particle update with structs by pointer and by value: gravity, drag and a bouncing floor.
// Launch: grid ceil(n / 128), block 128.
struct Particle {
    float x, y, z;
    float vx, vy, vz;
    float mass;
    int bounces;
};

typedef struct {
    float gravity;
    float drag;
    float restitution;
    float dt;
} Params;

__device__ __forceinline__ Particle integrate(Particle p, const Params* prm)
{
    float k = 1.0f - prm->drag * prm->dt / p.mass;
    p.vx *= k;
    p.vy = p.vy * k - prm->gravity * prm->dt;
    p.vz *= k;
    p.x += p.vx * prm->dt;
    p.y += p.vy * prm->dt;
    p.z += p.vz * prm->dt;
    return p;
}

__global__ void update_particles(Particle* particles, int n, Params prm, int steps)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    Particle p = particles[i];
    for (int s = 0; s < steps; ++s) {
        p = integrate(p, &prm);
        if (p.y < 0.0f) {
            p.y = -p.y;
            p.vy = -p.vy * prm.restitution;
            p.bounces++;
        }
    }
    particles[i] = p;
}
