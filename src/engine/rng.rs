//! Seeded randomness for the simulator.
//!
//! Contract: every random choice in the engine comes from a `SimRng` derived from the run's
//! seed. Each component gets its own stream (`SimRng::derive(seed, stream)`), so drawing one
//! more number in, say, the network never shifts the election timeouts. Draws are on `u64`
//! and `u32` only: a `usize` draw would differ between wasm32 and 64-bit hosts.

/// SplitMix64: tiny, fast, and identical on every platform; statistical quality is ample
/// for latencies and timeouts.
#[derive(Clone, Debug)]
pub struct SimRng {
    state: u64,
}

/// Named streams, so a derived seed's meaning never depends on declaration order.
#[derive(Clone, Copy, Debug)]
pub enum Stream {
    Network = 1,
    Timeouts = 2,
    Ids = 3,
    TickPhase = 4,
    /// `check perf`'s random keys.
    Perf = 5,
}

impl SimRng {
    pub fn new(seed: u64) -> Self {
        SimRng { state: seed }
    }

    /// A stream for one component (and, for per-node streams, one node).
    pub fn derive(seed: u64, stream: Stream, index: u64) -> Self {
        let mut base = SimRng::new(seed ^ 0x5851_f42d_4c95_7f2d);
        let mixed = base.next_u64() ^ ((stream as u64) << 32) ^ index.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        SimRng::new(mixed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, bound)`; `bound == 0` yields 0. Lemire's multiply-shift keeps it
    /// unbiased enough for simulation and platform-independent.
    pub fn below(&mut self, bound: u64) -> u64 {
        if bound == 0 {
            return 0;
        }
        ((self.next_u64() as u128 * bound as u128) >> 64) as u64
    }

    /// True with probability `ppm` parts per million (an integer ratio, never a float, so
    /// the outcome cannot depend on floating-point rounding).
    pub fn chance_ppm(&mut self, ppm: u32) -> bool {
        self.below(1_000_000) < u64::from(ppm)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_independent_and_reproducible() {
        let a: Vec<u64> = (0..4).map(|_| SimRng::derive(7, Stream::Network, 0).next_u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        let mut n = SimRng::derive(7, Stream::Network, 0);
        let mut t = SimRng::derive(7, Stream::Timeouts, 0);
        assert_ne!(n.next_u64(), t.next_u64());
        // A fixed value guards against accidental changes to the generator, which would
        // silently break every saved share link.
        assert_eq!(SimRng::new(1).next_u64(), 0x910a_2dec_8902_5cc1);
    }

    #[test]
    fn below_stays_in_range() {
        let mut r = SimRng::new(3);
        for bound in [1u64, 2, 10, 1000] {
            for _ in 0..1000 {
                assert!(r.below(bound) < bound);
            }
        }
        assert_eq!(r.below(0), 0);
    }
}
