//! `register_challenger`: only the configuration authority lets a key reveal known-answer challenges.
use dfpn_tests::*;
use serde_json::json;
use solana_address::Address;
use solana_signer::Signer;

#[test]
fn the_authority_registers_a_challenger() {
    // Given a key to register
    let mut env = Env::new();
    let authority = env.authority.insecure_clone();
    let key = env.keypair(LAMPORTS_PER_SOL).pubkey();
    // When the authority registers it
    let ix = env.ix_register_challenger(&authority.pubkey(), &key);
    let meta = env.send(&[ix], &[&authority]).expect("register_challenger");
    // Then its account exists, paid by the authority, and an event names it
    let account = env.challenger_pda(&key);
    let c = env.decode("Challenger", &account).unwrap();
    assert_eq!((c["authority"].clone(), c["challenges"].as_u64()), (json!(key.as_ref()), Some(0)));
    assert_eq!(env.lamports(&account), env.rent(env.idl.account_len("Challenger")));
    assert_eq!(events(&env, &meta), vec![("ChallengerRegistered".to_string(), json!({"challenger": key.as_ref()}))]);
}

#[test]
fn nobody_else_registers_and_nothing_twice() {
    let mut env = Env::new();
    let authority = env.authority.insecure_clone();
    let outsider = env.keypair(LAMPORTS_PER_SOL);
    let key = outsider.pubkey();
    // Given an outsider registering itself / Then NotConfigAuthority
    let ix = env.ix_register_challenger(&outsider.pubkey(), &key);
    env.assert_ix_rejected(&ix, &[&outsider], &[env.challenger_pda(&key)], "NotConfigAuthority");
    // Given the zero key / Then it is refused
    let zero = Address::new_from_array([0; 32]);
    let ix = env.ix_register_challenger(&authority.pubkey(), &zero);
    env.assert_ix_rejected(&ix, &[&authority], &[env.challenger_pda(&zero)], "InvalidInstructionData");
    // Given another key's PDA for this key / Then InvalidPda
    let mut ix = env.ix_register_challenger(&authority.pubkey(), &key);
    ix.accounts[2].pubkey = env.challenger_pda(&authority.pubkey());
    env.assert_ix_rejected(&ix, &[&authority], &[env.challenger_pda(&authority.pubkey())], "InvalidPda");
    // And the authority (positive control) registers it once; a second time is refused
    let ix = env.ix_register_challenger(&authority.pubkey(), &key);
    env.send(std::slice::from_ref(&ix), &[&authority]).expect("register_challenger");
    env.assert_ix_rejected(&ix, &[&authority], &[env.challenger_pda(&key)], "AccountAlreadyInitialized");
}
