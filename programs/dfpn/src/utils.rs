//! Shared checks and lamport/CPI helpers used by every instruction.
use pinocchio::{
    cpi::{Seed, Signer},
    error::ProgramError,
    sysvars::{clock::Clock, rent::Rent, Sysvar},
    AccountView, Address, ProgramResult,
};

use crate::{error::DfpnError, ID};

/// Little-endian integer fields stored as byte arrays, so every state struct has alignment 1, no
/// padding, and a layout identical to its Borsh encoding.
macro_rules! le_int {
    ($name:ident, $ty:ty, $n:literal) => {
        #[repr(transparent)]
        #[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
        pub struct $name(pub [u8; $n]);
        impl $name {
            #[inline(always)]
            pub const fn get(&self) -> $ty {
                <$ty>::from_le_bytes(self.0)
            }
            #[inline(always)]
            pub fn set(&mut self, v: $ty) {
                self.0 = v.to_le_bytes();
            }
            #[inline(always)]
            pub const fn new(v: $ty) -> Self {
                Self(v.to_le_bytes())
            }
        }
    };
}
le_int!(U16, u16, 2);
le_int!(U32, u32, 4);
le_int!(U64, u64, 8);
le_int!(I64, i64, 8);

/// An account type stored by this program: Anchor discriminator first, fixed length.
pub trait AccountState: Sized {
    const DISCRIMINATOR: [u8; 8];
    const LEN: usize;

    /// Check owner, length and discriminator, then view the data as `Self`.
    ///
    /// `AccountView` is a handle to the account in the runtime's input region, not the data's owner, so a
    /// mutable view of the data from a shared handle is what pinocchio's own unchecked borrows give too.
    #[allow(clippy::mut_from_ref)]
    #[inline(always)]
    fn load(account: &AccountView) -> Result<&mut Self, ProgramError> {
        if !account.owned_by(&ID) {
            return Err(DfpnError::InvalidAccountOwner.into());
        }
        if account.data_len() != Self::LEN {
            return Err(DfpnError::InvalidAccountData.into());
        }
        // SAFETY: length checked above; every state struct is `repr(C)` with alignment 1, so any byte
        // pointer is suitably aligned. The runtime gives each account one data region for the whole
        // instruction, and instructions never load two views of the same account at once (account
        // relations are checked against stored addresses before any second load could alias).
        let state = unsafe { &mut *(account.data_ptr() as *mut Self) };
        // SAFETY: the first 8 bytes exist (LEN > 8) and are plain bytes.
        let disc = unsafe { &*(account.data_ptr() as *const [u8; 8]) };
        if *disc != Self::DISCRIMINATOR {
            return Err(DfpnError::InvalidAccountData.into());
        }
        Ok(state)
    }

    /// View freshly allocated (zeroed) data of a just-created account as `Self`, writing the discriminator.
    #[allow(clippy::mut_from_ref)]
    #[inline(always)]
    fn init(account: &AccountView) -> Result<&mut Self, ProgramError> {
        if account.data_len() != Self::LEN || !account.owned_by(&ID) {
            return Err(DfpnError::InvalidAccountData.into());
        }
        // SAFETY: as in `load`; the account was created by this instruction with exactly LEN bytes.
        let state = unsafe { &mut *(account.data_ptr() as *mut Self) };
        // SAFETY: LEN > 8, plain bytes, no other view of this data exists yet.
        unsafe { *(account.data_ptr() as *mut [u8; 8]) = Self::DISCRIMINATOR };
        Ok(state)
    }
}

#[inline(always)]
pub fn require_signer(account: &AccountView) -> ProgramResult {
    if account.is_signer() {
        Ok(())
    } else {
        Err(DfpnError::MissingSignature.into())
    }
}

#[inline(always)]
pub fn require_writable(account: &AccountView) -> ProgramResult {
    if account.is_writable() {
        Ok(())
    } else {
        Err(DfpnError::AccountNotWritable.into())
    }
}

#[inline(always)]
pub fn require_system_program(account: &AccountView) -> ProgramResult {
    if account.address() == &pinocchio_system::ID {
        Ok(())
    } else {
        Err(DfpnError::InvalidSystemProgram.into())
    }
}

/// A constant seed as a value computed at run time.
///
/// Upstream BPF + sbpf-linker relocates addresses loaded by instructions but not pointers stored inside
/// constant data, so a constant list such as `&[b"config"]` (which rustc promotes to .rodata) would reach the
/// syscall with an unrelocated pointer. Passing each constant through `black_box` builds the list on the stack.
#[inline(always)]
pub fn seed(s: &'static [u8]) -> &'static [u8] {
    core::hint::black_box(s)
}

/// Require `account` to be the canonical PDA for `seeds`; returns the bump.
#[inline(always)]
pub fn require_pda(account: &AccountView, seeds: &[&[u8]]) -> Result<u8, ProgramError> {
    let (expected, bump) = Address::find_program_address(seeds, &ID);
    if account.address() == &expected {
        Ok(bump)
    } else {
        Err(DfpnError::InvalidPda.into())
    }
}

/// Require `account` to be the PDA of `seeds` (the last seed being the bump the client supplied): one
/// derivation instead of a search, whose cost would vary by address. Where one set of seeds must name one
/// account, pair it with `require_canonical_bump`.
#[inline(always)]
pub fn require_pda_with_bump(account: &AccountView, seeds: &[&[u8]]) -> ProgramResult {
    match Address::create_program_address(seeds, &ID) {
        Ok(expected) if account.address() == &expected => Ok(()),
        _ => Err(DfpnError::InvalidPda.into()),
    }
}

/// Require `bump` to be the canonical (highest valid) bump of `seeds ‖ [bump]`: no higher bump may give a
/// valid PDA, else two addresses would exist for the same seeds. Costs one derivation per bump above the given
/// one, so clients pick seeds whose canonical bump is 255 (half of all nonces) and pay nothing extra.
#[inline(always)]
pub fn require_canonical_bump(seeds: &[&[u8]; 3], bump: u8) -> ProgramResult {
    let mut higher = bump;
    while higher < u8::MAX {
        higher += 1;
        let candidate = [higher];
        if Address::create_program_address(&[seeds[0], seeds[1], seeds[2], &candidate], &ID).is_ok() {
            return Err(DfpnError::NonCanonicalBump.into());
        }
    }
    Ok(())
}

/// `authority` signs and is the configuration's stored authority; returns the configuration (mutable for the
/// instructions that change it; the caller checks `config` is writable where it writes).
#[allow(clippy::mut_from_ref)]
#[inline(always)]
pub fn require_config_authority<'a>(
    authority: &AccountView,
    config: &'a AccountView,
) -> Result<&'a mut crate::state::Config, ProgramError> {
    require_signer(authority)?;
    let config = crate::state::Config::load(config)?;
    if authority.address().as_array() != &config.authority {
        return Err(DfpnError::NotConfigAuthority.into());
    }
    Ok(config)
}

/// Current unix time from the Clock sysvar.
#[inline(always)]
pub fn now() -> Result<i64, ProgramError> {
    Ok(Clock::get()?.unix_timestamp)
}

/// Current slot from the Clock sysvar.
#[inline(always)]
pub fn current_slot() -> Result<u64, ProgramError> {
    Ok(Clock::get()?.slot)
}

/// Rent-exempt minimum for `len` bytes.
#[inline(always)]
pub fn rent_exempt(len: usize) -> Result<u64, ProgramError> {
    Rent::get()?.try_minimum_balance(len)
}

/// Create a program-owned PDA of `space` bytes funded with `lamports` by `payer`.
///
/// Works when someone pre-funded the address (a plain CreateAccount would fail there, a cheap way to
/// block a PDA): top up, allocate and assign instead.
#[inline(always)]
pub fn create_pda(
    payer: &AccountView,
    account: &AccountView,
    lamports: u64,
    space: usize,
    seeds: &[Seed],
) -> ProgramResult {
    if !account.is_data_empty() || account.owned_by(&ID) {
        return Err(DfpnError::AccountAlreadyInitialized.into());
    }
    if payer.lamports() < lamports.saturating_sub(account.lamports()) {
        return Err(DfpnError::InsufficientFunds.into());
    }
    let signer = [Signer::from(seeds)];
    if account.lamports() == 0 {
        pinocchio_system::instructions::CreateAccount {
            from: payer,
            to: account,
            lamports,
            space: space as u64,
            owner: &ID,
        }
        .invoke_signed(&signer)
    } else {
        let top_up = lamports.saturating_sub(account.lamports());
        if top_up > 0 {
            pinocchio_system::instructions::Transfer { from: payer, to: account, lamports: top_up }.invoke()?;
        }
        pinocchio_system::instructions::Allocate { account, space: space as u64 }.invoke_signed(&signer)?;
        pinocchio_system::instructions::Assign { account, owner: &ID }.invoke_signed(&signer)
    }
}

/// Move lamports out of a program-owned account into any writable account.
#[inline(always)]
pub fn move_lamports(from: &AccountView, to: &AccountView, amount: u64) -> ProgramResult {
    if from.address() == to.address() {
        return Err(DfpnError::DuplicateAccount.into());
    }
    if amount == 0 {
        return Ok(());
    }
    let from_balance = from.lamports().checked_sub(amount).ok_or(DfpnError::ArithmeticOverflow)?;
    let to_balance = to.lamports().checked_add(amount).ok_or(DfpnError::ArithmeticOverflow)?;
    let (mut from, mut to) = (*from, *to);
    from.set_lamports(from_balance);
    to.set_lamports(to_balance);
    Ok(())
}

/// Pay `amount` of a request's escrow back to its client, or keep it in the request when the client's
/// account is empty and the amount is below the rent-exempt minimum: the runtime would refuse to create a
/// rent-paying account, and a client could otherwise block finalization by emptying its wallet. What is kept
/// is returned by `close_request`. Returns the amount kept.
#[inline(always)]
pub fn refund_to_client(request: &AccountView, client: &AccountView, amount: u64) -> Result<u64, ProgramError> {
    if client.lamports() == 0 && amount > 0 && amount < rent_exempt(0)? {
        return Ok(amount);
    }
    move_lamports(request, client, amount)?;
    Ok(0)
}

/// Checked arithmetic helpers that map overflow to `ArithmeticOverflow`.
#[inline(always)]
pub fn add(a: u64, b: u64) -> Result<u64, ProgramError> {
    a.checked_add(b).ok_or_else(|| DfpnError::ArithmeticOverflow.into())
}
/// One more of a small counter (seats, commits, reveals).
#[inline(always)]
pub fn inc(n: u8) -> Result<u8, ProgramError> {
    n.checked_add(1).ok_or_else(|| DfpnError::ArithmeticOverflow.into())
}
#[inline(always)]
pub fn sub(a: u64, b: u64) -> Result<u64, ProgramError> {
    a.checked_sub(b).ok_or_else(|| DfpnError::ArithmeticOverflow.into())
}
