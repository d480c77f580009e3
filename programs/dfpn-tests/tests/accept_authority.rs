//! `accept_authority`: the two-step handover is tested as one story in `propose_authority.rs`; this file holds
//! the acceptance-specific account checks.
use dfpn_tests::*;
use solana_keypair::Keypair;
use solana_signer::Signer;

/// An env whose authority proposed `successor`.
fn with_successor() -> (Env, Keypair) {
    let mut env = Env::new();
    let authority = env.authority.insecure_clone();
    let successor = env.keypair(LAMPORTS_PER_SOL);
    let ix = env.ix_propose_authority(&authority.pubkey(), &successor.pubkey());
    env.send(&[ix], &[&authority]).expect("propose");
    (env, successor)
}

#[test]
fn the_pending_successor_accepts() {
    // Given a pending successor / When it accepts / Then it is the authority
    let (mut env, successor) = with_successor();
    let ix = env.ix_accept_authority(&successor.pubkey());
    env.send(&[ix], &[&successor]).expect("accept");
    let config = env.decode("Config", &env.config()).unwrap();
    assert_eq!(idl::pubkey(&config["authority"]), successor.pubkey());
}

#[test]
fn rejects_a_read_only_config() {
    // Given the acceptance with a read-only config / Then it fails, changing nothing
    let (mut env, successor) = with_successor();
    let mut ix = env.ix_accept_authority(&successor.pubkey());
    ix.accounts[1].is_writable = false;
    env.assert_ix_rejected(&ix, &[&successor], &[env.config()], "AccountNotWritable");
}

#[test]
fn rejects_too_few_accounts() {
    // Given the acceptance without the config / Then it fails, changing nothing
    let (mut env, successor) = with_successor();
    let mut ix = env.ix_accept_authority(&successor.pubkey());
    ix.accounts.pop();
    env.assert_ix_rejected(&ix, &[&successor], &[env.config()], "NotEnoughAccounts");
}

#[test]
fn rejects_another_program_account_as_config() {
    // Given the treasury vault in the config's place / Then it fails, changing nothing
    let (mut env, successor) = with_successor();
    let mut ix = env.ix_accept_authority(&successor.pubkey());
    ix.accounts[1].pubkey = env.treasury();
    env.assert_ix_rejected(&ix, &[&successor], &[env.config()], "InvalidAccountData");
}
