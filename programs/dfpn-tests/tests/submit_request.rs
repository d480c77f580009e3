//! `submit_request`: every account check, argument rule and error of the instruction, plus the escrow it takes.
use dfpn_tests::*;
use litesvm::types::TransactionMetadata;
use solana_address::Address;
use solana_keypair::Keypair;
use solana_signer::Signer;

/// Configured network and a client with 10 SOL.
fn setup() -> (Env, Keypair) {
    let mut env = Env::new();
    let client = env.keypair(10 * LAMPORTS_PER_SOL);
    (env, client)
}

/// Every account a submission can touch.
fn watched(env: &Env, client: &Keypair, spec: &RequestSpec) -> Vec<Address> {
    vec![client.pubkey(), env.request_pda(&client.pubkey(), spec.nonce), env.config()]
}

#[track_caller]
fn assert_spec_rejected(env: &mut Env, client: &Keypair, spec: &RequestSpec, error: &str) {
    let ix = env.ix_submit_request(&client.pubkey(), spec);
    let watched = watched(env, client, spec);
    env.assert_rejected(&[ix], &[client], &watched, error);
}

#[track_caller]
fn assert_accepted(env: &mut Env, client: &Keypair, spec: &RequestSpec) -> TransactionMetadata {
    let ix = env.ix_submit_request(&client.pubkey(), spec);
    let payer = env.keypair(LAMPORTS_PER_SOL);
    env.send(&[ix], &[&payer, client])
        .unwrap_or_else(|e| panic!("{spec:?} rejected: {:?}\n{}", e.err, e.meta.pretty_logs()))
}

#[test]
fn submitting_escrows_max_fee_plus_rent_and_records_the_request() {
    // Given a client and a request for two modalities by 3–5 workers
    let (mut env, client) = setup();
    let spec = RequestSpec {
        nonce: 7,
        modalities: modality::FACE_MANIPULATION | modality::VOICE_CLONING,
        max_workers: 5,
        ..Default::default()
    };
    let request = env.request_pda(&client.pubkey(), spec.nonce);
    let client_before = env.lamports(&client.pubkey());
    let now = env.now();
    let deadline = now + spec.deadline_in;

    // When the client submits it
    let ix = env.ix_submit_request(&client.pubkey(), &spec);
    let meta = env.send(&[ix], &[&client]).expect("submit_request");

    // Then the client paid the escrow, the rent and the transaction fee, and the request holds escrow + rent
    let rent = env.rent(env.idl.account_len("Request"));
    assert_eq!(env.lamports(&client.pubkey()), client_before - spec.max_fee - rent - meta.fee);
    assert_eq!(env.lamports(&request), spec.max_fee + rent);
    assert_eq!(env.account(&request).unwrap().owner, env.program_id);
    // And the request records the arguments, the fee it will charge and its phases
    let fee = env.params.fee(spec.modalities, spec.min_workers);
    let r = env.decode("Request", &request).unwrap();
    assert_eq!(idl::pubkey(&r["client"]), client.pubkey());
    assert_eq!(r["nonce"], spec.nonce);
    assert_eq!(idl::bytes32(&r["content_hash"]), spec.content_hash);
    assert_eq!(idl::text(&r["storage_uri"], &r["storage_uri_len"]), spec.storage_uri);
    assert_eq!(
        (r["modalities"].as_u64(), r["min_workers"].as_u64(), r["max_workers"].as_u64()),
        (Some(18), Some(3), Some(5))
    );
    for field in ["status", "joined", "commits", "reveals", "verdict", "confidence", "consensus", "finalized_at"] {
        assert_eq!(r[field], 0, "{field}");
    }
    assert_eq!(
        r["bump"],
        Address::find_program_address(&[b"request", client.pubkey().as_ref(), &7u64.to_le_bytes()], &env.program_id).1
    );
    assert_eq!(r["fee"], fee);
    assert_eq!(r["escrow"], spec.max_fee);
    assert_eq!(r["created_at"], now);
    assert_eq!(r["commit_deadline"], deadline - env.params.reveal_window_secs);
    assert_eq!(r["deadline"], deadline);
    // And the config counts it
    assert_eq!(env.decode("Config", &env.config()).unwrap()["request_count"], 1);
    // And one RequestSubmitted event says all of it
    let events = events(&env, &meta);
    assert_eq!(events.len(), 1);
    let (name, e) = &events[0];
    assert_eq!(name, "RequestSubmitted");
    assert_eq!(idl::pubkey(&e["request"]), request);
    assert_eq!(idl::pubkey(&e["client"]), client.pubkey());
    assert_eq!(e["nonce"], spec.nonce);
    assert_eq!(idl::bytes32(&e["content_hash"]), spec.content_hash);
    assert_eq!(e["storage_uri"], spec.storage_uri.as_str());
    assert_eq!(
        (e["modalities"].as_u64(), e["min_workers"].as_u64(), e["max_workers"].as_u64()),
        (Some(18), Some(3), Some(5))
    );
    assert_eq!(e["fee"], fee);
    assert_eq!(e["escrow"], spec.max_fee);
    assert_eq!(e["commit_deadline"], deadline - env.params.reveal_window_secs);
    assert_eq!(e["deadline"], deadline);
}

#[test]
fn every_storage_scheme_and_a_200_byte_uri_are_accepted() {
    // Given a client
    let (mut env, client) = setup();
    let long = format!("https://{}", "a".repeat(200 - "https://".len()));
    for (nonce, uri) in ["ipfs://x", "s3://bucket/key", "https://h/p?q=1", "http://h", "file:///tmp/m.png", &long]
        .into_iter()
        .enumerate()
    {
        // When it submits with that storage URI
        let spec = RequestSpec { nonce: nonce as u64, storage_uri: uri.into(), ..Default::default() };
        let meta = assert_accepted(&mut env, &client, &spec);
        // Then the request and its event carry the URI intact
        let r = env.decode("Request", &env.request_pda(&client.pubkey(), spec.nonce)).unwrap();
        assert_eq!(idl::text(&r["storage_uri"], &r["storage_uri_len"]), uri);
        assert_eq!(events(&env, &meta)[0].1["storage_uri"], uri);
    }
}

#[test]
fn the_limits_of_the_arguments_are_accepted() {
    // Given a client
    let (mut env, client) = setup();
    let fee = env.params.fee(modality::ALL, 1);
    let limits = [
        // The shortest deadline and a max fee equal to the fee
        RequestSpec {
            nonce: 1,
            deadline_in: env.params.min_deadline_secs,
            modalities: modality::ALL,
            min_workers: 1,
            max_workers: 1,
            max_fee: fee,
            ..Default::default()
        },
        // The most workers
        RequestSpec {
            nonce: 2,
            min_workers: 10,
            max_workers: 10,
            max_fee: env.params.fee(modality::FACE_MANIPULATION, 10),
            ..Default::default()
        },
        // The widest worker range
        RequestSpec { nonce: 3, min_workers: 1, max_workers: 10, ..Default::default() },
    ];
    for spec in &limits {
        // When it submits it
        // Then the request is created
        assert_accepted(&mut env, &client, spec);
    }
}

#[test]
fn a_client_holding_exactly_rent_plus_max_fee_can_submit() {
    // Given a client holding exactly what the request needs (a separate payer pays the transaction fee)
    let mut env = Env::new();
    let spec = RequestSpec::default();
    let needed = env.rent(env.idl.account_len("Request")) + spec.max_fee;
    let client = env.keypair(needed);

    // When it submits
    assert_accepted(&mut env, &client, &spec);

    // Then all of it moved into the request
    assert_eq!(env.lamports(&client.pubkey()), 0);
    assert_eq!(env.lamports(&env.request_pda(&client.pubkey(), spec.nonce)), needed);
}

#[test]
fn a_pre_funded_request_address_is_still_created_and_the_client_pays_only_the_rest() {
    // Given someone sent lamports to the request address before submission (which blocks a plain CreateAccount)
    let (mut env, client) = setup();
    let spec = RequestSpec::default();
    let request = env.request_pda(&client.pubkey(), spec.nonce);
    env.fund(&request, 1_000_000);
    let client_before = env.lamports(&client.pubkey());

    // When the client submits
    let ix = env.ix_submit_request(&client.pubkey(), &spec);
    let meta = env.send(&[ix], &[&client]).expect("submit_request");

    // Then the request exists with exactly rent + escrow, the client having topped it up
    let needed = env.rent(env.idl.account_len("Request")) + spec.max_fee;
    assert_eq!(env.lamports(&request), needed);
    assert_eq!(env.lamports(&client.pubkey()), client_before - (needed - 1_000_000) - meta.fee);
    let r = env.decode("Request", &request).unwrap();
    assert_eq!(r["escrow"], spec.max_fee);
    assert_eq!(idl::pubkey(&r["client"]), client.pubkey());
}

#[test]
fn fewer_than_four_accounts_are_rejected() {
    // Given a submission without the system program
    let (mut env, client) = setup();
    let spec = RequestSpec::default();
    let mut ix = env.ix_submit_request(&client.pubkey(), &spec);
    ix.accounts.pop();
    // When the client sends it / Then it fails, changing nothing
    let watched = watched(&env, &client, &spec);
    env.assert_rejected(&[ix], &[&client], &watched, "NotEnoughAccounts");
}

#[test]
fn the_client_must_sign() {
    // Given a submission naming the client without its signature
    let (mut env, client) = setup();
    let spec = RequestSpec::default();
    let mut ix = env.ix_submit_request(&client.pubkey(), &spec);
    ix.accounts[0].is_signer = false;
    // When another wallet sends it / Then it fails, changing nothing
    let watched = watched(&env, &client, &spec);
    env.assert_rejected(&[ix], &[], &watched, "MissingSignature");
}

#[test]
fn the_client_must_be_writable() {
    // Given a submission where the client signs read-only
    let (mut env, client) = setup();
    let spec = RequestSpec::default();
    let mut ix = env.ix_submit_request(&client.pubkey(), &spec);
    ix.accounts[0].is_writable = false;
    // When the client sends it / Then it fails, changing nothing
    let watched = watched(&env, &client, &spec);
    env.assert_rejected(&[ix], &[&client], &watched, "AccountNotWritable");
}

#[test]
fn the_request_must_be_writable() {
    // Given a submission with the request read-only
    let (mut env, client) = setup();
    let spec = RequestSpec::default();
    let mut ix = env.ix_submit_request(&client.pubkey(), &spec);
    ix.accounts[1].is_writable = false;
    // When the client sends it / Then it fails, changing nothing
    let watched = watched(&env, &client, &spec);
    env.assert_rejected(&[ix], &[&client], &watched, "AccountNotWritable");
}

#[test]
fn the_request_must_be_the_pda_of_the_client_and_nonce() {
    // Given request addresses derived from another nonce, another client, or nothing at all
    let (mut env, client) = setup();
    let spec = RequestSpec::default();
    let wrong = [
        env.request_pda(&client.pubkey(), spec.nonce + 1),
        env.request_pda(&env.authority.pubkey(), spec.nonce),
        Keypair::new().pubkey(),
    ];
    for address in wrong {
        let mut ix = env.ix_submit_request(&client.pubkey(), &spec);
        ix.accounts[1].pubkey = address;
        // When the client submits with one / Then it fails, changing nothing
        let mut watched = watched(&env, &client, &spec);
        watched.push(address);
        env.assert_rejected(&[ix], &[&client], &watched, "InvalidPda");
    }
}

#[test]
fn the_config_must_be_writable() {
    // Given a submission with the config read-only
    let (mut env, client) = setup();
    let spec = RequestSpec::default();
    let mut ix = env.ix_submit_request(&client.pubkey(), &spec);
    ix.accounts[2].is_writable = false;
    // When the client sends it / Then it fails, changing nothing
    let watched = watched(&env, &client, &spec);
    env.assert_rejected(&[ix], &[&client], &watched, "AccountNotWritable");
}

#[test]
fn the_config_must_be_owned_by_the_program() {
    // Given the config's data under another owner
    let (mut env, client) = setup();
    let spec = RequestSpec::default();
    let config = env.config();
    env.edit_account(&config, |a| a.owner = Keypair::new().pubkey());
    // When the client submits / Then it fails, changing nothing
    let ix = env.ix_submit_request(&client.pubkey(), &spec);
    let watched = watched(&env, &client, &spec);
    env.assert_rejected(&[ix], &[&client], &watched, "InvalidAccountOwner");
}

#[test]
fn the_config_must_hold_a_config() {
    let (mut env, client) = setup();
    let spec = RequestSpec::default();
    let watched = watched(&env, &client, &spec);
    // Given the treasury vault (program-owned, another type) in the config's place
    let mut ix = env.ix_submit_request(&client.pubkey(), &spec);
    ix.accounts[2].pubkey = env.treasury();
    // When the client submits / Then it fails, changing nothing
    let mut with_treasury = watched.clone();
    with_treasury.push(env.treasury());
    env.assert_rejected(&[ix], &[&client], &with_treasury, "InvalidAccountData");

    // Given the config with a corrupted discriminator
    let config = env.config();
    env.edit_account(&config, |a| a.data[0] ^= 0xff);
    // When the client submits / Then it fails, changing nothing
    let ix = env.ix_submit_request(&client.pubkey(), &spec);
    env.assert_rejected(&[ix], &[&client], &watched, "InvalidAccountData");
}

#[test]
fn the_system_program_must_be_the_system_program() {
    // Given a submission naming this program as the system program
    let (mut env, client) = setup();
    let spec = RequestSpec::default();
    let mut ix = env.ix_submit_request(&client.pubkey(), &spec);
    ix.accounts[3].pubkey = env.program_id;
    // When the client sends it / Then it fails, changing nothing
    let watched = watched(&env, &client, &spec);
    env.assert_rejected(&[ix], &[&client], &watched, "InvalidSystemProgram");
}

#[test]
fn truncated_empty_or_trailing_data_is_rejected() {
    // Given a submission missing its last byte, with one byte too many, or with no arguments
    let (mut env, client) = setup();
    let spec = RequestSpec::default();
    let watched = watched(&env, &client, &spec);
    let ix = env.ix_submit_request(&client.pubkey(), &spec);
    let mut truncated = ix.clone();
    truncated.data.pop();
    let mut trailing = ix.clone();
    trailing.data.push(0);
    let mut empty = ix.clone();
    empty.data.truncate(8);
    for bad in [truncated, trailing, empty] {
        // When the client sends it / Then it fails, changing nothing
        env.assert_rejected(&[bad], &[&client], &watched, "InvalidInstructionData");
    }
}

#[test]
fn a_zero_content_hash_is_rejected() {
    // Given a client
    let (mut env, client) = setup();
    // When it submits an all-zero content hash / Then it fails, changing nothing
    assert_spec_rejected(
        &mut env,
        &client,
        &RequestSpec { content_hash: [0; 32], ..Default::default() },
        "InvalidContentHash",
    );
}

#[test]
fn storage_uris_without_a_known_scheme_are_rejected() {
    // Given a client
    let (mut env, client) = setup();
    for uri in [
        "",
        "ipfs://",
        "ipfs:/bafy",
        "ftp://host/file",
        "IPFS://bafy",
        "bafkreigh2akiscaildc",
        "data:image/png;base64,AA",
    ] {
        // When it submits a URI without a known scheme (or nothing after it) / Then it fails, changing nothing
        assert_spec_rejected(
            &mut env,
            &client,
            &RequestSpec { storage_uri: uri.into(), ..Default::default() },
            "InvalidStorageUri",
        );
    }
}

#[test]
fn a_storage_uri_longer_than_200_bytes_is_rejected() {
    // Given a client and a 201-byte URI
    let (mut env, client) = setup();
    let uri = format!("https://{}", "a".repeat(201 - "https://".len()));
    // When it submits it / Then it fails, changing nothing
    assert_spec_rejected(
        &mut env,
        &client,
        &RequestSpec { storage_uri: uri, ..Default::default() },
        "InvalidStorageUri",
    );
}

#[test]
fn a_storage_uri_with_spaces_or_non_ascii_is_rejected() {
    // Given a client
    let (mut env, client) = setup();
    for uri in ["ipfs://bafy kre", "ipfs://bafy\n", "https://exämple.org/m.png", "ipfs://bafy\t"] {
        // When it submits a URI with whitespace or non-ASCII bytes / Then it fails, changing nothing
        assert_spec_rejected(
            &mut env,
            &client,
            &RequestSpec { storage_uri: uri.into(), ..Default::default() },
            "InvalidStorageUri",
        );
    }
}

#[test]
fn invalid_modalities_are_rejected() {
    // Given a client
    let (mut env, client) = setup();
    for modalities in [0, 32, modality::ALL | 64, 0xff] {
        // When it asks for no modality or an unknown one / Then it fails, changing nothing
        assert_spec_rejected(&mut env, &client, &RequestSpec { modalities, ..Default::default() }, "InvalidModalities");
    }
}

#[test]
fn worker_counts_out_of_range_are_rejected() {
    // Given a client
    let (mut env, client) = setup();
    for (min_workers, max_workers) in [(0, 3), (0, 0), (4, 3), (3, 11), (11, 11), (1, 255)] {
        // When it asks for no worker, min above max, or more than 10 seats / Then it fails, changing nothing
        assert_spec_rejected(
            &mut env,
            &client,
            &RequestSpec { min_workers, max_workers, ..Default::default() },
            "InvalidWorkerCount",
        );
    }
}

#[test]
fn a_max_fee_below_the_fee_is_rejected() {
    // Given a client and the fee of its request
    let (mut env, client) = setup();
    let spec = RequestSpec::default();
    let fee = env.params.fee(spec.modalities, spec.min_workers);
    for max_fee in [fee - 1, 0] {
        // When it offers less / Then it fails, changing nothing
        assert_spec_rejected(&mut env, &client, &RequestSpec { max_fee, ..spec.clone() }, "MaxFeeTooLow");
    }
}

#[test]
fn a_deadline_less_than_the_minimum_ahead_is_rejected() {
    // Given a client
    let (mut env, client) = setup();
    let min = env.params.min_deadline_secs;
    for deadline_in in [min - 1, 0, -1] {
        // When it sets a deadline under 60 s ahead, now, or in the past / Then it fails, changing nothing
        assert_spec_rejected(&mut env, &client, &RequestSpec { deadline_in, ..Default::default() }, "DeadlineTooShort");
    }
}

#[test]
fn a_client_without_the_lamports_is_rejected() {
    // Given a client one lamport short of rent + max fee
    let mut env = Env::new();
    let spec = RequestSpec::default();
    let client = env.keypair(env.rent(env.idl.account_len("Request")) + spec.max_fee - 1);
    // When it submits / Then it fails, changing nothing
    assert_spec_rejected(&mut env, &client, &spec, "InsufficientFunds");
}

#[test]
fn an_escrow_that_overflows_is_rejected() {
    // Given a client
    let (mut env, client) = setup();
    // When it offers a max fee that overflows once the rent is added / Then it fails, changing nothing
    assert_spec_rejected(
        &mut env,
        &client,
        &RequestSpec { max_fee: u64::MAX, ..Default::default() },
        "ArithmeticOverflow",
    );
}

#[test]
fn a_paused_network_rejects_requests() {
    // Given the authority paused the network
    let (mut env, client) = setup();
    let authority = env.authority.insecure_clone();
    let ix = env.ix_set_paused(&authority.pubkey(), true);
    env.send(&[ix], &[&authority]).expect("set_paused");
    // When a client submits / Then it fails, changing nothing
    assert_spec_rejected(&mut env, &client, &RequestSpec::default(), "Paused");
}

#[test]
fn the_same_nonce_cannot_be_submitted_twice() {
    // Given a submitted request
    let (mut env, client) = setup();
    let spec = RequestSpec::default();
    env.submit(&client, &spec);
    // When the same submission is sent again (a replay) / Then it fails, changing nothing
    assert_spec_rejected(&mut env, &client, &spec, "AccountAlreadyInitialized");
}

#[test]
fn min_workers_below_the_floor_is_refused_and_the_floor_itself_accepted() {
    // Given the reference configuration's floor of 5 workers per request
    let mut env = Env::with_params(Params::reference());
    let client = env.keypair(10 * LAMPORTS_PER_SOL);
    // When a client asks for 4 (fewer seats: cheaper to fill with its own workers) / Then it is refused, nothing
    // changing
    let below = RequestSpec { min_workers: 4, max_workers: 5, ..Default::default() };
    assert_spec_rejected(&mut env, &client, &below, "MinWorkersBelowFloor");
    // And 5 (positive control) is accepted, recording the pool it will be drawn from and its draw slot
    let at = RequestSpec { min_workers: 5, max_workers: 5, ..Default::default() };
    assert_accepted(&mut env, &client, &at);
    let r = env.decode("Request", &env.request_pda(&client.pubkey(), at.nonce)).unwrap();
    let slot = env.svm.get_sysvar::<solana_clock::Clock>().slot;
    assert_eq!((r["pool_count"].as_u64(), r["draw_slot"].as_u64()), (Some(0), Some(slot + 1)));
}
