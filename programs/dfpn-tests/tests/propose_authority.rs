//! `propose_authority` and `accept_authority`: the configuration changes hands in two steps, so a mistyped key
//! cannot lock everyone out, and an outsider can neither propose nor accept.
use dfpn_tests::*;
use serde_json::json;
use solana_address::Address;
use solana_keypair::Keypair;
use solana_signer::Signer;

fn config_field(env: &Env, field: &str) -> serde_json::Value {
    env.decode("Config", &env.config()).unwrap()[field].clone()
}

#[test]
fn a_proposal_changes_nothing_until_the_successor_accepts() {
    // Given an initialized config and a successor
    let mut env = Env::new();
    let authority = env.authority.insecure_clone();
    let successor = env.keypair(LAMPORTS_PER_SOL);

    // When the authority proposes the successor
    let ix = env.ix_propose_authority(&authority.pubkey(), &successor.pubkey());
    let meta = env.send(&[ix], &[&authority]).expect("propose_authority");

    // Then the successor is pending, the authority unchanged, and an event names the proposal
    assert_eq!(config_field(&env, "pending_authority"), json!(successor.pubkey().as_ref()));
    assert_eq!(config_field(&env, "authority"), json!(authority.pubkey().as_ref()));
    assert_eq!(
        events(&env, &meta),
        vec![("AuthorityProposed".to_string(), json!({"proposed": successor.pubkey().as_ref()}))]
    );
    // And the old authority still governs until the successor accepts
    let ix = env.ix_set_paused(&authority.pubkey(), true);
    env.send(&[ix], &[&authority]).expect("the old authority still governs");

    // When the successor accepts
    let ix = env.ix_accept_authority(&successor.pubkey());
    let meta = env.send(&[ix], &[&successor]).expect("accept_authority");

    // Then it is the authority, nothing is pending, and the old authority is refused
    assert_eq!(config_field(&env, "authority"), json!(successor.pubkey().as_ref()));
    assert_eq!(config_field(&env, "pending_authority"), json!(vec![0u8; 32]));
    assert_eq!(
        events(&env, &meta),
        vec![("AuthorityTransferred".to_string(), json!({"authority": successor.pubkey().as_ref()}))]
    );
    let ix = env.ix_update_config(&authority.pubkey(), &env.params);
    env.assert_ix_rejected(&ix, &[&authority], &[env.config()], "NotConfigAuthority");
    let ix = env.ix_update_config(&successor.pubkey(), &env.params);
    env.send(&[ix], &[&successor]).expect("the successor governs");
}

#[test]
fn a_mistyped_proposal_is_withdrawn_by_proposing_again() {
    // Given a proposal to a key nobody holds
    let mut env = Env::new();
    let authority = env.authority.insecure_clone();
    let ix = env.ix_propose_authority(&authority.pubkey(), &Keypair::new().pubkey());
    env.send(&[ix], &[&authority]).expect("propose");

    // When the authority proposes the zero address (no proposal)
    let ix = env.ix_propose_authority(&authority.pubkey(), &Address::new_from_array([0; 32]));
    env.send(&[ix], &[&authority]).expect("withdraw");

    // Then nothing is pending and the authority is still in charge
    assert_eq!(config_field(&env, "pending_authority"), json!(vec![0u8; 32]));
    assert_eq!(config_field(&env, "authority"), json!(authority.pubkey().as_ref()));
}

#[test]
fn an_outsider_can_neither_propose_nor_accept() {
    // Given a config with a pending successor
    let mut env = Env::new();
    let authority = env.authority.insecure_clone();
    let successor = env.keypair(LAMPORTS_PER_SOL);
    let outsider = env.keypair(LAMPORTS_PER_SOL);
    let ix = env.ix_propose_authority(&authority.pubkey(), &successor.pubkey());
    env.send(&[ix], &[&authority]).expect("propose");

    // When an outsider proposes itself / Then it is refused, changing nothing
    let ix = env.ix_propose_authority(&outsider.pubkey(), &outsider.pubkey());
    env.assert_ix_rejected(&ix, &[&outsider], &[env.config()], "NotConfigAuthority");
    // When an outsider accepts / Then it is refused, changing nothing
    let ix = env.ix_accept_authority(&outsider.pubkey());
    env.assert_ix_rejected(&ix, &[&outsider], &[env.config()], "NotPendingAuthority");
    // And the pending successor (positive control) can accept
    let ix = env.ix_accept_authority(&successor.pubkey());
    env.send(&[ix], &[&successor]).expect("accept");
}

#[test]
fn nobody_accepts_when_nothing_is_pending() {
    // Given a config with no proposal (pending is all zeroes)
    let mut env = Env::new();
    let stranger = env.keypair(LAMPORTS_PER_SOL);

    // When anyone accepts / Then it is refused, changing nothing
    let ix = env.ix_accept_authority(&stranger.pubkey());
    env.assert_ix_rejected(&ix, &[&stranger], &[env.config()], "NotPendingAuthority");
}

#[test]
fn both_steps_need_their_signer_and_a_writable_config() {
    let mut env = Env::new();
    let authority = env.authority.insecure_clone();
    let successor = env.keypair(LAMPORTS_PER_SOL);
    // Given a proposal whose authority does not sign / Then it fails
    let mut ix = env.ix_propose_authority(&authority.pubkey(), &successor.pubkey());
    ix.accounts[0].is_signer = false;
    env.assert_ix_rejected(&ix, &[], &[env.config()], "MissingSignature");
    // Given a read-only config / Then it fails
    let mut ix = env.ix_propose_authority(&authority.pubkey(), &successor.pubkey());
    ix.accounts[1].is_writable = false;
    env.assert_ix_rejected(&ix, &[&authority], &[env.config()], "AccountNotWritable");
    // Given truncated arguments / Then it fails
    let mut ix = env.ix_propose_authority(&authority.pubkey(), &successor.pubkey());
    ix.data.pop();
    env.assert_ix_rejected(&ix, &[&authority], &[env.config()], "InvalidInstructionData");
    // Given a pending successor whose acceptance is not signed / Then it fails
    let ix = env.ix_propose_authority(&authority.pubkey(), &successor.pubkey());
    env.send(&[ix], &[&authority]).expect("propose");
    let mut ix = env.ix_accept_authority(&successor.pubkey());
    ix.accounts[0].is_signer = false;
    env.assert_ix_rejected(&ix, &[], &[env.config()], "MissingSignature");
    // Given an acceptance with trailing bytes / Then it fails
    let mut ix = env.ix_accept_authority(&successor.pubkey());
    ix.data.push(0);
    env.assert_ix_rejected(&ix, &[&successor], &[env.config()], "InvalidInstructionData");
}
