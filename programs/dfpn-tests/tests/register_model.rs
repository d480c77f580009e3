//! `register_model`: a developer registers a model id (scoped by its own key), its modalities and its payout
//! wallet.
use dfpn_tests::*;
use serde_json::json;
use solana_account::Account;
use solana_address::Address;
use solana_instruction::{AccountMeta, Instruction};
use solana_keypair::Keypair;
use solana_signer::Signer;

/// Send `ix` with a fresh fee payer and assert it fails with `error`, changing none of its accounts nor
/// the model PDA of `MODEL`.
#[track_caller]
fn assert_rejected(env: &mut Env, ix: Instruction, signers: &[&Keypair], error: &str) {
    env.assert_ix_rejected(&ix, signers, &[env.model_pda(&model_id(MODEL))], error);
}

const MODEL: &str = "face-forensics-sbi";
const MODALITIES: u8 = modality::FACE_MANIPULATION | modality::AI_GENERATED_IMAGE;

/// An initialized env, a funded developer, a payout wallet, and the developer's `register_model` of `MODEL`.
fn setup() -> (Env, Keypair, Address, Instruction) {
    let mut env = Env::new();
    let developer = developer_of(MODEL);
    env.fund(&developer.pubkey(), 10 * LAMPORTS_PER_SOL);
    let payout = Keypair::new().pubkey();
    let ix = env.ix_register_model(&developer.pubkey(), &model_id(MODEL), &payout, MODALITIES);
    (env, developer, payout, ix)
}

#[test]
fn developer_registers_an_active_model_with_its_payout_wallet() {
    // Given a developer and a payout wallet
    let (mut env, developer, payout, ix) = setup();
    let id = model_id(MODEL);
    let (model, bump) = Address::find_program_address(&[b"model", developer.pubkey().as_ref(), &id], &env.program_id);
    let balance = env.lamports(&developer.pubkey());

    // When the developer registers the model
    let meta = env.send(&[ix], &[&developer]).expect("register_model");

    // Then the model is active, owned by the developer, paying out to the wallet, with nothing earned yet
    assert_eq!(
        env.decode("Model", &model).unwrap(),
        json!({
            "model_id": id,
            "developer": developer.pubkey().as_ref(),
            "payout_wallet": payout.as_ref(),
            "modalities": MODALITIES,
            "active": 1,
            "bump": bump,
            "reserved0": 0,
            "uses": 0,
            "earned_total": 0,
            "unclaimed": 0,
            "registered_at": START_TIME,
            "pending_developer": vec![0; 32],
            "registrant": developer.pubkey().as_ref(),
            "reserved": vec![0; 32],
        })
    );
    // And it is program-owned and exactly rent-exempt, paid by the developer
    let rent = env.rent(env.idl.account_len("Model"));
    let account = env.account(&model).unwrap();
    assert_eq!((account.owner, account.lamports), (env.program_id, rent));
    assert_eq!(env.lamports(&developer.pubkey()), balance - meta.fee - rent);
    // And the event carries every registered field
    assert_eq!(
        events(&env, &meta),
        vec![(
            "ModelRegistered".to_string(),
            json!({
                "model": model.as_ref(),
                "model_id": id,
                "developer": developer.pubkey().as_ref(),
                "payout_wallet": payout.as_ref(),
                "modalities": MODALITIES,
            })
        )]
    );
}

#[test]
fn accepts_printable_ascii_ids_from_1_to_32_bytes() {
    // Given the shortest id and a full-length id using the first and last printable characters
    let mut env = Env::new();
    let developer = env.keypair(10 * LAMPORTS_PER_SOL);
    let full = format!("!{}~", "a".repeat(30));
    for name in ["x", full.as_str()] {
        // When each is registered
        let id = model_id(name);
        let ix = env.ix_register_model(&developer.pubkey(), &id, &developer.pubkey(), modality::ALL);
        env.send(&[ix], &[&developer]).unwrap_or_else(|e| panic!("{name}: {}", e.meta.pretty_logs()));

        // Then it is stored verbatim
        let model = env.model_pda_by(&developer.pubkey(), &id);
        assert_eq!(env.decode("Model", &model).unwrap()["model_id"], json!(id));
    }
}

#[test]
fn a_pre_funded_model_address_cannot_block_registration() {
    // Given a squatter sent lamports to the model PDA before registration
    let (mut env, developer, _, ix) = setup();
    let model = env.model_pda(&model_id(MODEL));
    let gift = 1_000_000;
    env.svm.set_account(model, Account { lamports: gift, owner: SYSTEM_PROGRAM, ..Default::default() }).unwrap();
    let balance = env.lamports(&developer.pubkey());

    // When the developer registers the model
    let meta = env.send(&[ix], &[&developer]).expect("register_model");

    // Then the model is created and the developer only tops it up to rent exemption
    let rent = env.rent(env.idl.account_len("Model"));
    let account = env.account(&model).unwrap();
    assert_eq!((account.owner, account.lamports), (env.program_id, rent));
    assert_eq!(env.decode("Model", &model).unwrap()["developer"], json!(developer.pubkey().as_ref()));
    assert_eq!(env.lamports(&developer.pubkey()), balance - meta.fee - (rent - gift));
}

#[test]
fn rejects_registering_the_same_id_twice() {
    // Given a registered model
    let (mut env, developer, payout, ix) = setup();
    env.send(&[ix], &[&developer]).expect("register_model");

    // When the developer registers it again
    let ix = env.ix_register_model(&developer.pubkey(), &model_id(MODEL), &payout, MODALITIES);

    // Then
    assert_rejected(&mut env, ix, &[&developer], "AccountAlreadyInitialized");
}

#[test]
fn the_same_id_by_another_developer_is_another_model() {
    // Given a registered model and a second developer with its own payout wallet
    let (mut env, developer, payout, ix) = setup();
    env.send(&[ix], &[&developer]).expect("register_model");
    let original = env.model_pda(&model_id(MODEL));
    let before = env.account(&original).unwrap();
    let rival = env.keypair(10 * LAMPORTS_PER_SOL);

    // When the rival registers the same id
    let ix = env.ix_register_model(&rival.pubkey(), &model_id(MODEL), &rival.pubkey(), MODALITIES);
    env.send(&[ix], &[&rival]).expect("register_model by the rival");

    // Then the rival got its own model at its own address, and the original is untouched
    let copy = env.model_pda_by(&rival.pubkey(), &model_id(MODEL));
    assert_ne!(copy, original);
    assert_eq!(env.decode("Model", &copy).unwrap()["payout_wallet"], json!(rival.pubkey().as_ref()));
    assert_eq!(env.account(&original).unwrap(), before);
    assert_eq!(env.decode("Model", &original).unwrap()["payout_wallet"], json!(payout.as_ref()));
}

#[test]
fn rejects_a_model_address_derived_without_the_developer() {
    // Given the pre-#14 address of the model, `["model", model_id]`
    let (mut env, developer, _, mut ix) = setup();
    let legacy = env.pda(&[b"model", &model_id(MODEL)]);
    ix.accounts[1].pubkey = legacy;

    // When the developer registers there / Then the address is refused
    assert_rejected(&mut env, ix, &[&developer], "InvalidPda");
    assert!(env.account(&legacy).is_none());
}

#[test]
fn rejects_a_developer_who_cannot_pay_the_rent() {
    // Given a developer holding less than the model's rent
    let mut env = Env::new();
    let developer = env.keypair(env.rent(env.idl.account_len("Model")) - 1);
    let ix = env.ix_register_model(&developer.pubkey(), &model_id(MODEL), &developer.pubkey(), MODALITIES);

    // When it registers (another keypair pays the fee) / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&developer], "InsufficientFunds");
}

#[test]
fn rejects_too_few_accounts() {
    // Given the instruction without the system program
    let (mut env, developer, _, mut ix) = setup();
    ix.accounts.pop();

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&developer], "NotEnoughAccounts");
}

#[test]
fn rejects_a_developer_that_does_not_sign() {
    // Given the developer's meta is not a signer (another keypair pays the fee)
    let (mut env, _, _, mut ix) = setup();
    ix.accounts[0].is_signer = false;

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[], "MissingSignature");
}

#[test]
fn rejects_a_read_only_developer() {
    // Given the developer signs but its meta is read-only
    let (mut env, developer, _, mut ix) = setup();
    ix.accounts[0] = AccountMeta::new_readonly(developer.pubkey(), true);

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&developer], "AccountNotWritable");
}

#[test]
fn rejects_a_read_only_model() {
    // Given the model's meta is read-only
    let (mut env, developer, _, mut ix) = setup();
    ix.accounts[1].is_writable = false;

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&developer], "AccountNotWritable");
}

#[test]
fn rejects_the_pda_of_another_model_id() {
    // Given the PDA of a different id in the model's place
    let (mut env, developer, _, mut ix) = setup();
    ix.accounts[1].pubkey = env.model_pda(&model_id("other-model"));

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&developer], "InvalidPda");
}

#[test]
fn rejects_a_non_canonical_model_pda() {
    // Given a PDA of the right seeds with a bump below the canonical one
    let (mut env, developer, _, mut ix) = setup();
    let id = model_id(MODEL);
    let (_, canonical) = Address::find_program_address(&[b"model", &id], &env.program_id);
    ix.accounts[1].pubkey = (0..canonical)
        .rev()
        .find_map(|b| Address::create_program_address(&[b"model", &id, &[b]], &env.program_id).ok())
        .expect("some lower bump is off the curve");

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&developer], "InvalidPda");
}

#[test]
fn rejects_a_wrong_system_program() {
    // Given an arbitrary account in the system program's place
    let (mut env, developer, _, mut ix) = setup();
    ix.accounts[3].pubkey = Keypair::new().pubkey();

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&developer], "InvalidSystemProgram");
}

#[test]
fn rejects_ids_that_are_empty_or_not_printable_ascii() {
    let mut hole = model_id("face");
    hole[5] = b'x';
    let cases = [
        ("empty", [0u8; 32]),
        ("space", model_id("face forensics")),
        ("control character", model_id("face\tforensics")),
        ("DEL", model_id("face\x7f")),
        ("non-ASCII", model_id("fac\u{e9}")),
        ("text after the zero padding", hole),
    ];
    for (case, id) in cases {
        // Given an invalid id (the case is printed for a failing run)
        println!("case: {case}");
        let (mut env, developer, payout, _) = setup();
        let ix = env.ix_register_model(&developer.pubkey(), &id, &payout, MODALITIES);

        // When it is sent / Then it fails, changing nothing
        assert_rejected(&mut env, ix, &[&developer], "InvalidModelId");
    }
}

#[test]
fn rejects_empty_or_unknown_modalities() {
    for modalities in [0, 1 << 5, 0xff] {
        // Given a mask with no modality or an unknown bit
        println!("case: {modalities:#04x}");
        let (mut env, developer, payout, _) = setup();
        let ix = env.ix_register_model(&developer.pubkey(), &model_id(MODEL), &payout, modalities);

        // When it is sent / Then it fails, changing nothing
        assert_rejected(&mut env, ix, &[&developer], "InvalidModalities");
    }
}

#[test]
fn rejects_missing_modalities() {
    // Given the id without the modalities byte
    let (mut env, developer, _, mut ix) = setup();
    ix.data.pop();

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&developer], "InvalidInstructionData");
}

#[test]
fn rejects_missing_arguments() {
    // Given the discriminator alone
    let (mut env, developer, _, mut ix) = setup();
    ix.data.truncate(8);

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&developer], "InvalidInstructionData");
}

#[test]
fn rejects_trailing_bytes() {
    // Given one byte after the modalities
    let (mut env, developer, _, mut ix) = setup();
    ix.data.push(0);

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&developer], "InvalidInstructionData");
}

#[test]
fn rejects_an_unknown_discriminator() {
    // Given the instruction with one discriminator byte changed
    let (mut env, developer, _, mut ix) = setup();
    ix.data[0] ^= 0xff;

    // When it is sent / Then it fails, changing nothing
    assert_rejected(&mut env, ix, &[&developer], "InvalidInstructionData");
}
