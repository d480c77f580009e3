//! `set_paused`: the authority pauses or resumes new requests.
use dfpn_tests::*;
use serde_json::json;
use solana_instruction::Instruction;
use solana_keypair::Keypair;
use solana_signer::Signer;

/// Send `ix` with a fresh fee payer and assert it fails with `error`, changing none of its accounts nor
/// the config PDA.
#[track_caller]
fn assert_rejected(env: &mut Env, ix: Instruction, signers: &[&Keypair], error: &str) {
    env.assert_ix_rejected(&ix, signers, &[env.config()], error);
}

/// An initialized env, its authority, and a `set_paused(true)`.
fn setup() -> (Env, Keypair, Instruction) {
    let env = Env::new();
    let authority = env.authority.insecure_clone();
    let ix = env.ix_set_paused(&authority.pubkey(), true);
    (env, authority, ix)
}

#[test]
fn authority_pauses_the_network() {
    // Given an unpaused config
    let (mut env, authority, ix) = setup();
    let before = env.decode("Config", &env.config()).unwrap();
    assert_eq!(before["paused"], 0);

    // When the authority pauses
    let meta = env.send(&[ix], &[&authority]).expect("set_paused");

    // Then only the flag changes
    let mut expected = before;
    expected["paused"] = json!(1);
    assert_eq!(env.decode("Config", &env.config()).unwrap(), expected);
    // And the event says paused
    assert_eq!(events(&env, &meta), vec![("PauseSet".to_string(), json!({"paused": true}))]);
}

#[test]
fn authority_resumes_the_network() {
    // Given a paused config
    let (mut env, authority, ix) = setup();
    env.send(&[ix], &[&authority]).expect("pause");
    let before = env.decode("Config", &env.config()).unwrap();

    // When the authority resumes
    let ix = env.ix_set_paused(&authority.pubkey(), false);
    let meta = env.send(&[ix], &[&authority]).expect("resume");

    // Then only the flag changes back
    let mut expected = before;
    expected["paused"] = json!(0);
    assert_eq!(env.decode("Config", &env.config()).unwrap(), expected);
    assert_eq!(events(&env, &meta), vec![("PauseSet".to_string(), json!({"paused": false}))]);
}

#[test]
fn pausing_blocks_new_requests_until_resumed() {
    // Given a paused network and a client
    let (mut env, authority, ix) = setup();
    env.send(&[ix], &[&authority]).expect("pause");
    let client = env.keypair(10 * LAMPORTS_PER_SOL);
    let spec = RequestSpec::default();

    // When the client submits a request
    let submit = env.ix_submit_request(&client.pubkey(), &spec);

    // Then it is refused, and accepted once the authority resumes
    assert_rejected(&mut env, submit, &[&client], "Paused");
    let ix = env.ix_set_paused(&authority.pubkey(), false);
    env.send(&[ix], &[&authority]).expect("resume");
    env.submit(&client, &spec);
}

#[test]
fn rejects_too_few_accounts() {
    // Given the instruction without the config
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
fn rejects_a_read_only_config() {
    // Given the config's meta is read-only
    let (mut env, authority, mut ix) = setup();
    ix.accounts[1].is_writable = false;

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&authority], "AccountNotWritable");
}

#[test]
fn rejects_a_config_owned_by_another_program() {
    // Given the config's exact bytes under another owner
    let (mut env, authority, ix) = setup();
    let config = env.config();
    env.edit_account(&config, |a| a.owner = Keypair::new().pubkey());

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&authority], "InvalidAccountOwner");
}

#[test]
fn rejects_a_system_account_as_config() {
    // Given a funded wallet in the config's place
    let (mut env, authority, mut ix) = setup();
    ix.accounts[1].pubkey = env.keypair(LAMPORTS_PER_SOL).pubkey();

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&authority], "InvalidAccountOwner");
}

#[test]
fn rejects_a_config_with_a_wrong_discriminator() {
    // Given the config's first byte flipped
    let (mut env, authority, ix) = setup();
    let config = env.config();
    env.edit_account(&config, |a| a.data[0] ^= 0xff);

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&authority], "InvalidAccountData");
}

#[test]
fn rejects_a_config_with_a_wrong_length() {
    // Given the config one byte short
    let (mut env, authority, ix) = setup();
    let config = env.config();
    env.edit_account(&config, |a| {
        a.data.pop();
    });

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&authority], "InvalidAccountData");
}

#[test]
fn rejects_another_program_account_as_config() {
    // Given the insurance vault (program-owned, another type) in the config's place
    let (mut env, authority, mut ix) = setup();
    ix.accounts[1].pubkey = env.insurance();

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&authority], "InvalidAccountData");
}

#[test]
fn rejects_a_signer_that_is_not_the_authority() {
    // Given an outsider who signs
    let (mut env, _, _) = setup();
    let outsider = env.keypair(LAMPORTS_PER_SOL);
    let ix = env.ix_set_paused(&outsider.pubkey(), true);

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&outsider], "NotConfigAuthority");
}

#[test]
fn rejects_a_bool_other_than_0_or_1() {
    // Given the flag byte 2
    let (mut env, authority, mut ix) = setup();
    *ix.data.last_mut().unwrap() = 2;

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&authority], "InvalidInstructionData");
}

#[test]
fn rejects_a_missing_flag() {
    // Given the discriminator alone
    let (mut env, authority, mut ix) = setup();
    ix.data.truncate(8);

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&authority], "InvalidInstructionData");
}

#[test]
fn rejects_trailing_bytes() {
    // Given one byte after the flag
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
