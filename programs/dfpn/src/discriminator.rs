//! Anchor discriminators, computed at compile time: `sha256("<namespace>:<Name>")[..8]`.

/// First 8 bytes of the SHA-256 of `preimage`, evaluated in a const context.
#[inline(always)]
pub const fn anchor(preimage: &str) -> [u8; 8] {
    let digest = sha2_const_stable::Sha256::new().update(preimage.as_bytes()).finalize();
    let mut out = [0u8; 8];
    let mut i = 0;
    while i < 8 {
        out[i] = digest[i];
        i += 1;
    }
    out
}

/// Length of every Anchor discriminator.
pub const LEN: usize = 8;
