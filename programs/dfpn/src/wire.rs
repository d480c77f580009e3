//! Minimal Borsh reading (instruction arguments) and writing (events), no allocation.
use pinocchio::error::ProgramError;

use crate::error::DfpnError;

/// Reads Borsh values from instruction data; any short read is `InvalidInstructionData`.
pub struct Reader<'a> {
    data: &'a [u8],
}

impl<'a> Reader<'a> {
    #[inline(always)]
    pub const fn new(data: &'a [u8]) -> Self {
        Self { data }
    }

    #[inline(always)]
    pub fn bytes<const N: usize>(&mut self) -> Result<[u8; N], ProgramError> {
        if self.data.len() < N {
            return Err(DfpnError::InvalidInstructionData.into());
        }
        let (head, rest) = self.data.split_at(N);
        self.data = rest;
        let mut out = [0u8; N];
        out.copy_from_slice(head);
        Ok(out)
    }

    #[inline(always)]
    pub fn u8(&mut self) -> Result<u8, ProgramError> {
        Ok(self.bytes::<1>()?[0])
    }
    #[inline(always)]
    pub fn bool(&mut self) -> Result<bool, ProgramError> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(DfpnError::InvalidInstructionData.into()),
        }
    }
    #[inline(always)]
    pub fn u16(&mut self) -> Result<u16, ProgramError> {
        Ok(u16::from_le_bytes(self.bytes()?))
    }
    #[inline(always)]
    pub fn u32(&mut self) -> Result<u32, ProgramError> {
        Ok(u32::from_le_bytes(self.bytes()?))
    }
    #[inline(always)]
    pub fn u64(&mut self) -> Result<u64, ProgramError> {
        Ok(u64::from_le_bytes(self.bytes()?))
    }
    #[inline(always)]
    pub fn i64(&mut self) -> Result<i64, ProgramError> {
        Ok(i64::from_le_bytes(self.bytes()?))
    }

    /// A Borsh `String`/`Vec<u8>` of at most `max` bytes, borrowed from the input.
    #[inline(always)]
    pub fn byte_string(&mut self, max: usize, too_long: DfpnError) -> Result<&'a [u8], ProgramError> {
        let len = self.u32()? as usize;
        if len > max {
            return Err(too_long.into());
        }
        if self.data.len() < len {
            return Err(DfpnError::InvalidInstructionData.into());
        }
        let (head, rest) = self.data.split_at(len);
        self.data = rest;
        Ok(head)
    }

    /// Borsh `Vec<[u8; 32]>` of at most `max` items, copied into a fixed array; returns (items, count).
    #[inline(always)]
    pub fn vec32<const MAX: usize>(&mut self, too_many: DfpnError) -> Result<([[u8; 32]; MAX], u8), ProgramError> {
        let len = self.u32()? as usize;
        if len > MAX {
            return Err(too_many.into());
        }
        let mut items = [[0u8; 32]; MAX];
        for item in items.iter_mut().take(len) {
            *item = self.bytes()?;
        }
        Ok((items, len as u8))
    }

    /// Instruction data must be consumed exactly: trailing bytes are an error, not ignored.
    #[inline(always)]
    pub fn finish(self) -> Result<(), ProgramError> {
        if self.data.is_empty() {
            Ok(())
        } else {
            Err(DfpnError::InvalidInstructionData.into())
        }
    }
}

/// Arguments of an instruction that takes none: the data after the discriminator must be empty.
pub struct NoArgs;

impl TryFrom<&[u8]> for NoArgs {
    type Error = ProgramError;

    #[inline(always)]
    fn try_from(data: &[u8]) -> Result<Self, ProgramError> {
        Reader::new(data).finish()?;
        Ok(Self)
    }
}

/// Writes Borsh into a fixed stack buffer (events are small and bounded).
pub struct Writer<const N: usize> {
    buf: [u8; N],
    len: usize,
}

impl<const N: usize> Writer<N> {
    #[inline(always)]
    pub const fn new() -> Self {
        Self { buf: [0u8; N], len: 0 }
    }
    /// Appends bytes; events are sized so this never overflows (checked by `debug_assert` in tests).
    #[inline(always)]
    pub fn put(&mut self, bytes: &[u8]) -> &mut Self {
        let end = self.len + bytes.len();
        debug_assert!(end <= N);
        let end = end.min(N);
        let take = end - self.len;
        self.buf[self.len..end].copy_from_slice(&bytes[..take]);
        self.len = end;
        self
    }
    #[inline(always)]
    pub fn u8(&mut self, v: u8) -> &mut Self {
        self.put(&[v])
    }
    #[inline(always)]
    pub fn u16(&mut self, v: u16) -> &mut Self {
        self.put(&v.to_le_bytes())
    }
    #[inline(always)]
    pub fn u64(&mut self, v: u64) -> &mut Self {
        self.put(&v.to_le_bytes())
    }
    #[inline(always)]
    pub fn i64(&mut self, v: i64) -> &mut Self {
        self.put(&v.to_le_bytes())
    }
    #[inline(always)]
    pub fn string(&mut self, s: &[u8]) -> &mut Self {
        self.put(&(s.len() as u32).to_le_bytes()).put(s)
    }
    #[inline(always)]
    pub fn as_slice(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

impl<const N: usize> Default for Writer<N> {
    #[inline(always)]
    fn default() -> Self {
        Self::new()
    }
}
