//! `initialize_config`: creates the config and the treasury and insurance vaults, once, signed by the program's
//! upgrade authority.
use dfpn_tests::*;
use serde_json::json;
use solana_account::Account;
use solana_address::Address;
use solana_instruction::{AccountMeta, Instruction};
use solana_keypair::Keypair;
use solana_signer::Signer;

/// Send `ix` with a fresh fee payer and assert it fails with `error`, changing none of its accounts nor
/// the config and both vaults.
#[track_caller]
fn assert_rejected(env: &mut Env, ix: Instruction, signers: &[&Keypair], error: &str) {
    env.assert_ix_rejected(&ix, signers, &[env.config(), env.treasury(), env.insurance()], error);
}

/// `bare()` plus the authority keypair and its `initialize_config` with the reference parameters.
fn setup() -> (Env, Keypair, Instruction) {
    let env = Env::bare();
    let authority = env.authority.insecure_clone();
    let ix = env.ix_initialize_config(&authority.pubkey(), &env.params);
    (env, authority, ix)
}

fn bump(env: &Env, seed: &[u8]) -> u8 {
    Address::find_program_address(&[seed], &env.program_id).1
}

/// A valid PDA of `seed` with a bump below the canonical one: derivable, but not the address the program
/// accepts.
fn non_canonical_pda(env: &Env, seed: &[u8]) -> Address {
    (0..bump(env, seed))
        .rev()
        .find_map(|b| Address::create_program_address(&[seed, &[b]], &env.program_id).ok())
        .expect("some lower bump is off the curve")
}

#[test]
fn creates_the_config_and_both_vaults_with_the_signer_as_authority() {
    // Given a fresh deployment and an authority
    let (mut env, authority, ix) = setup();
    let balance = env.lamports(&authority.pubkey());

    // When the authority initializes the config
    let meta = env.send(&[ix], &[&authority]).expect("initialize_config");

    // Then the config holds the authority, both vaults and the parameters, unpaused
    let config = env.decode("Config", &env.config()).unwrap();
    assert_eq!(
        config,
        json!({
            "authority": authority.pubkey().as_ref(),
            "treasury": env.treasury().as_ref(),
            "insurance": env.insurance().as_ref(),
            "params": env.params.to_json(),
            "paused": 0,
            "bump": bump(&env, b"config"),
            "treasury_bump": bump(&env, b"treasury"),
            "insurance_bump": bump(&env, b"insurance"),
            "request_count": 0,
            "pending_authority": vec![0; 32],
            "insurance_withdrawn_at": 0,
            "worker_count": 0,
            "reserved": vec![0; 9],
        })
    );
    // And the vaults are tagged treasury (0) and insurance (1)
    for (vault, kind, seed) in [(env.treasury(), 0, b"treasury".as_slice()), (env.insurance(), 1, b"insurance")] {
        assert_eq!(
            env.decode("Vault", &vault).unwrap(),
            json!({"kind": kind, "bump": bump(&env, seed), "reserved": vec![0; 6]})
        );
    }
    // And all three are program-owned and exactly rent-exempt, paid by the authority
    let (config_rent, vault_rent) = (env.rent(env.idl.account_len("Config")), env.rent(env.idl.account_len("Vault")));
    for (address, rent) in [(env.config(), config_rent), (env.treasury(), vault_rent), (env.insurance(), vault_rent)] {
        let account = env.account(&address).unwrap();
        assert_eq!((account.owner, account.lamports), (env.program_id, rent));
    }
    assert_eq!(env.lamports(&authority.pubkey()), balance - meta.fee - config_rent - 2 * vault_rent);
    // And the event names the authority
    assert_eq!(
        events(&env, &meta),
        vec![("ConfigInitialized".to_string(), json!({"authority": authority.pubkey().as_ref()}))]
    );
}

#[test]
fn a_pre_funded_config_address_cannot_block_initialization() {
    // Given someone sent lamports to the config PDA before it was created
    let (mut env, authority, ix) = setup();
    let gift = 1_000_000;
    env.svm.set_account(env.config(), Account { lamports: gift, owner: SYSTEM_PROGRAM, ..Default::default() }).unwrap();
    let balance = env.lamports(&authority.pubkey());

    // When the authority initializes the config
    let meta = env.send(&[ix], &[&authority]).expect("initialize_config");

    // Then the config is created, and the authority only tops it up to rent exemption
    let config_rent = env.rent(env.idl.account_len("Config"));
    let vault_rent = env.rent(env.idl.account_len("Vault"));
    let config = env.account(&env.config()).unwrap();
    assert_eq!((config.owner, config.lamports), (env.program_id, config_rent));
    assert_eq!(env.decode("Config", &env.config()).unwrap()["authority"], json!(authority.pubkey().as_ref()));
    assert_eq!(env.lamports(&authority.pubkey()), balance - meta.fee - (config_rent - gift) - 2 * vault_rent);
}

#[test]
fn rejects_a_second_initialization_by_the_same_authority() {
    // Given an initialized config
    let mut env = Env::new();
    let authority = env.authority.insecure_clone();
    let ix = env.ix_initialize_config(&authority.pubkey(), &env.params);

    // When the authority initializes again / Then it fails and the config is untouched
    assert_rejected(&mut env, ix, &[&authority], "AccountAlreadyInitialized");
}

#[test]
fn rejects_a_takeover_by_initializing_again_with_another_signer() {
    // Given an initialized config and an outsider
    let mut env = Env::new();
    let outsider = env.keypair(10 * LAMPORTS_PER_SOL);
    let ix = env.ix_initialize_config(&outsider.pubkey(), &env.params);

    // When the outsider initializes with itself as authority / Then it fails and the authority is unchanged
    assert_rejected(&mut env, ix, &[&outsider], "NotUpgradeAuthority");
}

#[test]
fn only_the_upgrade_authority_can_initialize_a_fresh_deployment() {
    // Given a fresh deployment whose upgrade authority is the deployer, and an outsider watching for it
    let (mut env, authority, ix) = setup();
    let outsider = env.keypair(10 * LAMPORTS_PER_SOL);
    let front_run = env.ix_initialize_config(&outsider.pubkey(), &env.params);

    // When the outsider initializes first / Then it is refused and nothing is created
    assert_rejected(&mut env, front_run, &[&outsider], "NotUpgradeAuthority");

    // And the deployer (positive control) initializes with itself as authority
    env.send(&[ix], &[&authority]).expect("initialize_config by the upgrade authority");
    assert_eq!(env.decode("Config", &env.config()).unwrap()["authority"], json!(authority.pubkey().as_ref()));
}

#[test]
fn an_immutable_program_cannot_be_initialized() {
    // Given a deployment without an upgrade authority (finalized before initializing)
    let (mut env, authority, ix) = setup();
    env.set_upgrade_authority(None);

    // When its former deployer initializes / Then it is refused
    assert_rejected(&mut env, ix, &[&authority], "NotUpgradeAuthority");
}

#[test]
fn rejects_a_program_data_account_that_is_not_this_programs() {
    // Given the real upgrade authority, and in place of the ProgramData account: a system account, a copy of
    // the real one at another address, and the real address owned by another program; or in place of the
    // program account, another program's
    for case in ["system account", "copy elsewhere", "other owner", "other program"] {
        let (mut env, authority, mut ix) = setup();
        let program_data = env.program_data();
        match case {
            "system account" => ix.accounts[5].pubkey = authority.pubkey(),
            "copy elsewhere" => {
                let copy = Keypair::new().pubkey();
                env.svm.set_account(copy, env.account(&program_data).unwrap()).unwrap();
                ix.accounts[5].pubkey = copy;
            }
            "other owner" => env.edit_account(&program_data, |a| a.owner = SYSTEM_PROGRAM),
            _ => ix.accounts[6].pubkey = LOADER_V3,
        }
        // When it initializes / Then the account is refused by name
        assert_rejected(&mut env, ix, &[&authority], "InvalidProgramData");
    }
    // And with the real account (positive control) it goes through
    let (mut env, authority, ix) = setup();
    env.send(&[ix], &[&authority]).expect("initialize_config");
}

#[test]
fn rejects_an_authority_that_cannot_fund_all_three_accounts() {
    // Given an authority with enough for the config and the treasury but not the insurance vault
    let mut env = Env::bare();
    let funds = env.rent(env.idl.account_len("Config")) + env.rent(env.idl.account_len("Vault")) + env.rent(0);
    let authority = env.keypair(funds);
    env.set_upgrade_authority(Some(&authority.pubkey()));
    let ix = env.ix_initialize_config(&authority.pubkey(), &env.params);

    // When it initializes / Then it fails and the accounts created before the shortfall are rolled back
    assert_rejected(&mut env, ix, &[&authority], "InsufficientFunds");
}

#[test]
fn rejects_too_few_accounts() {
    // Given the instruction without the system program
    let (mut env, authority, mut ix) = setup();
    ix.accounts.pop();

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&authority], "NotEnoughAccounts");
}

#[test]
fn rejects_an_authority_that_does_not_sign() {
    // Given the authority's meta is not a signer (another keypair pays the fee)
    let (mut env, _, mut ix) = setup();
    ix.accounts[0].is_signer = false;

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[], "MissingSignature");
}

#[test]
fn rejects_a_read_only_authority() {
    // Given the authority signs but its meta is read-only
    let (mut env, authority, mut ix) = setup();
    ix.accounts[0] = AccountMeta::new_readonly(authority.pubkey(), true);

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&authority], "AccountNotWritable");
}

#[test]
fn rejects_a_read_only_config_treasury_or_insurance() {
    for index in 1..=3 {
        // Given one of the accounts to create is read-only
        let (mut env, authority, mut ix) = setup();
        ix.accounts[index].is_writable = false;

        // When it is sent / Then it fails, changing nothing
        assert_rejected(&mut env, ix, &[&authority], "AccountNotWritable");
    }
}

#[test]
fn rejects_a_non_canonical_config_treasury_or_insurance_address() {
    for (index, seed) in [(1, b"config".as_slice()), (2, b"treasury"), (3, b"insurance")] {
        // Given one of the accounts to create is a PDA of the right seed with a non-canonical bump
        let (mut env, authority, mut ix) = setup();
        ix.accounts[index].pubkey = non_canonical_pda(&env, seed);

        // When it is sent / Then it fails, changing nothing
        assert_rejected(&mut env, ix, &[&authority], "InvalidPda");
    }
}

#[test]
fn rejects_swapped_vault_addresses() {
    // Given the treasury and insurance accounts in each other's place
    let (mut env, authority, mut ix) = setup();
    ix.accounts.swap(2, 3);

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&authority], "InvalidPda");
}

#[test]
fn rejects_a_wrong_system_program() {
    // Given an arbitrary account in the system program's place
    let (mut env, authority, mut ix) = setup();
    ix.accounts[4].pubkey = Keypair::new().pubkey();

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&authority], "InvalidSystemProgram");
}

#[test]
fn rejects_truncated_params() {
    // Given parameters one byte short
    let (mut env, authority, mut ix) = setup();
    ix.data.pop();

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&authority], "InvalidInstructionData");
}

#[test]
fn rejects_missing_params() {
    // Given the discriminator alone
    let (mut env, authority, mut ix) = setup();
    ix.data.truncate(8);

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&authority], "InvalidInstructionData");
}

#[test]
fn rejects_trailing_bytes() {
    // Given one byte after the parameters
    let (mut env, authority, mut ix) = setup();
    ix.data.push(0);

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&authority], "InvalidInstructionData");
}

#[test]
fn rejects_an_unknown_discriminator() {
    // Given the instruction with one discriminator byte changed
    let (mut env, authority, mut ix) = setup();
    ix.data[0] ^= 0xff;

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&authority], "InvalidInstructionData");
}

#[test]
fn rejects_data_shorter_than_a_discriminator() {
    // Given seven bytes of data
    let (mut env, authority, mut ix) = setup();
    ix.data.truncate(7);

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&authority], "InvalidInstructionData");
}

#[test]
fn rejects_every_out_of_range_parameter() {
    for (case, params) in Params::out_of_range() {
        // Given parameters with one value just out of range (the case is printed for a failing run)
        println!("case: {case}");
        let (mut env, authority, _) = setup();
        let ix = env.ix_initialize_config(&authority.pubkey(), &params);

        // When it is sent / Then it fails, changing nothing
        assert_rejected(&mut env, ix, &[&authority], "InvalidConfig");
    }
}
