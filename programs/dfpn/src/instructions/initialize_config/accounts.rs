use pinocchio::{error::ProgramError, AccountView, Address};

use crate::{error::DfpnError, state::seeds, utils::*, ID};

/// The BPF upgradeable loader (loader v3), owner of every upgradeable program and its ProgramData account.
const LOADER_V3: Address = Address::from_str_const("BPFLoaderUpgradeab1e11111111111111111111111");
/// `UpgradeableLoaderState::Program`: u32 tag 2, then the ProgramData address.
const PROGRAM_TAG: [u8; 4] = 2u32.to_le_bytes();
const PROGRAM_LEN: usize = 36;
/// `UpgradeableLoaderState::ProgramData`: u32 tag 3, u64 slot, `Option<Pubkey>` upgrade authority.
const PROGRAM_DATA_TAG: [u8; 4] = 3u32.to_le_bytes();
const AUTHORITY_OPTION_AT: usize = 12;
const PROGRAM_DATA_HEADER: usize = 45;

/// The first `len` bytes of a loader-owned account, or `None` when it is shorter or not the loader's.
#[inline(always)]
fn loader_bytes(account: &AccountView, len: usize) -> Option<&[u8]> {
    if !account.owned_by(&LOADER_V3) || account.data_len() < len {
        return None;
    }
    // SAFETY: the loader owns the account and it holds at least `len` bytes; this program never writes it, so
    // a shared view of its bytes cannot alias a mutable one.
    Some(unsafe { core::slice::from_raw_parts(account.data_ptr(), len) })
}

/// `program` is this program (upgradeable), `program_data` the ProgramData account it points to, and that
/// names `authority` as upgrade authority. Read from the program account rather than derived (a PDA search
/// costs ~1,500 CU per bump), as Anchor's `ProgramData` constraint does.
#[inline(always)]
fn require_upgrade_authority(
    program: &AccountView,
    program_data: &AccountView,
    authority: &AccountView,
) -> Result<(), ProgramError> {
    let invalid = || ProgramError::from(DfpnError::InvalidProgramData);
    let program_state = loader_bytes(program, PROGRAM_LEN).ok_or_else(invalid)?;
    if program.address() != &ID
        || program_state[..4] != PROGRAM_TAG
        || &program_state[4..] != program_data.address().as_ref()
    {
        return Err(invalid());
    }
    let header = loader_bytes(program_data, PROGRAM_DATA_HEADER).ok_or_else(invalid)?;
    if header[..4] != PROGRAM_DATA_TAG {
        return Err(invalid());
    }
    // An immutable program (no upgrade authority) cannot be initialized: initialize before finalizing it.
    if header[AUTHORITY_OPTION_AT] != 1 || &header[AUTHORITY_OPTION_AT + 1..] != authority.address().as_ref() {
        return Err(DfpnError::NotUpgradeAuthority.into());
    }
    Ok(())
}

/// Accounts of `initialize_config`.
///
/// 0. `[signer, writable]` authority — pays rent and becomes the configuration authority
/// 1. `[writable]` config — PDA `["config"]`, created here
/// 2. `[writable]` treasury — PDA `["treasury"]`, created here
/// 3. `[writable]` insurance — PDA `["insurance"]`, created here
/// 4. `[]` system_program
/// 5. `[]` program_data — this program's ProgramData account (BPF upgradeable loader); its upgrade authority
///    must be the signer, so only whoever deployed the program can initialize it (nobody can front-run)
/// 6. `[]` program — this program's own account (names its ProgramData account)
pub struct InitializeConfigAccounts<'a> {
    pub authority: &'a AccountView,
    pub config: &'a AccountView,
    pub treasury: &'a AccountView,
    pub insurance: &'a AccountView,
    pub bumps: [u8; 3],
}

impl<'a> TryFrom<&'a [AccountView]> for InitializeConfigAccounts<'a> {
    type Error = ProgramError;

    #[inline(always)]
    fn try_from(accounts: &'a [AccountView]) -> Result<Self, ProgramError> {
        let [authority, config, treasury, insurance, system_program, program_data, program, ..] = accounts else {
            return Err(DfpnError::NotEnoughAccounts.into());
        };
        // 1. The authority signs and pays.
        require_signer(authority)?;
        require_writable(authority)?;
        // 2. The three accounts to create are writable and are the canonical PDAs.
        require_writable(config)?;
        require_writable(treasury)?;
        require_writable(insurance)?;
        let config_bump = require_pda(config, &[seed(seeds::CONFIG)])?;
        let treasury_bump = require_pda(treasury, &[seed(seeds::TREASURY)])?;
        let insurance_bump = require_pda(insurance, &[seed(seeds::INSURANCE)])?;
        // 3. The system program creates them.
        require_system_program(system_program)?;
        // 4. The signer is the program's upgrade authority.
        require_upgrade_authority(program, program_data, authority)?;
        Ok(Self { authority, config, treasury, insurance, bumps: [config_bump, treasury_bump, insurance_bump] })
    }
}
