use crate::{
    discriminator,
    utils::{AccountState, I64, U16, U32, U64},
};

pub use crate::constants::{request_status as status, seat_state, MAX_REPORT_URI_LEN, MAX_SEATS, MAX_URI_LEN};

/// One worker's place in a request.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct Seat {
    /// The worker's authority (the operator's key).
    pub authority: [u8; 32],
    pub commitment: [u8; 32],
    pub report_hash: [u8; 32],
    /// The model PDA the answer comes from, fixed at commit.
    pub model: [u8; 32],
    pub state: u8,
    pub verdict: u8,
    pub confidence: u8,
    pub report_uri_len: u8,
    pub report_uri: [u8; MAX_REPORT_URI_LEN],
    /// When the worker was drawn for this seat.
    pub drawn_at: I64,
}

impl Seat {
    pub const LEN: usize = 32 * 4 + 4 + MAX_REPORT_URI_LEN + 8;

    /// Whether the seat locked its worker's bond and counts among its active seats (accepted; a seat only
    /// drawn did neither).
    #[inline(always)]
    pub fn accepted(&self) -> bool {
        self.state != seat_state::DRAWN
    }
}

/// An analysis request, PDA `["request", client, nonce_le]`. Lamports = rent + escrow.
#[repr(C)]
pub struct Request {
    pub discriminator: [u8; 8],
    pub client: [u8; 32],
    pub nonce: U64,
    /// SHA-256 of the media bytes.
    pub content_hash: [u8; 32],
    pub modalities: u8,
    pub min_workers: u8,
    pub max_workers: u8,
    pub status: u8,
    pub joined: u8,
    pub commits: u8,
    pub reveals: u8,
    pub verdict: u8,
    pub confidence: u8,
    pub consensus: u8,
    pub bump: u8,
    pub storage_uri_len: u8,
    pub storage_uri: [u8; MAX_URI_LEN],
    /// Fee charged at finalization (fixed at submission).
    pub fee: U64,
    /// Lamports held for the client: `max_fee` until finalization or expiry; afterwards only a refund too small
    /// to open the client's emptied account with (returned by `close_request`).
    pub escrow: U64,
    pub created_at: I64,
    /// Joining and committing end here (or when every seat has committed).
    pub commit_deadline: I64,
    /// Revealing ends here; then anyone may finalize.
    pub deadline: I64,
    pub finalized_at: I64,
    /// The configuration's judging parameters at submission: later configuration changes do not reach back.
    pub non_reveal_slash_bps: U16,
    pub reputation_alpha_bps: U16,
    pub max_weight_bps: U16,
    pub no_consensus_fee_bps: U16,
    pub min_consensus_weight: U32,
    /// Locked from a worker's stake for each seat it holds; forfeited if the seat never commits.
    pub seat_bond: U64,
    /// `challenge_slash_bps` of the configuration at submission.
    pub challenge_slash_bps: U16,
    /// 1 once a registered challenger revealed the label its attestation committed to.
    pub challenged: u8,
    /// The revealed label (a verdict), when `challenged`.
    pub challenge_label: u8,
    pub reserved: [u8; 12],
    /// Seats are drawn with the hash of the first slot at or after this one (`draw_seats`).
    pub draw_slot: U64,
    /// `sha256(DRAW_DOMAIN ‖ request ‖ slot hash)`, fixed by the first draw (all zeroes before).
    pub draw_seed: [u8; 32],
    /// Candidates drawn so far: the next candidate is number `draw_cursor`.
    pub draw_cursor: U32,
    /// Workers registered at submission: candidates are pool indices below this.
    pub pool_count: U32,
    /// 32 bytes from the client: random for an ordinary request, `sha256(CHALLENGE_DOMAIN ‖ request ‖ label ‖
    /// salt)` for a known-answer challenge. Nobody can tell them apart until the challenger reveals.
    pub attestation: [u8; 32],
    pub seats: [Seat; MAX_SEATS],
}

impl Request {
    #[inline(always)]
    pub fn seats(&self) -> &[Seat] {
        &self.seats[..(self.joined as usize).min(MAX_SEATS)]
    }

    #[inline(always)]
    pub fn seat_of(&mut self, authority: &[u8; 32]) -> Option<&mut Seat> {
        let joined = (self.joined as usize).min(MAX_SEATS);
        self.seats[..joined].iter_mut().find(|s| &s.authority == authority)
    }

    /// Remove seat `index`; the last occupied seat takes its place (seat order only matters for the account
    /// lists, which clients read from the request).
    #[inline(always)]
    pub fn remove_seat(&mut self, index: usize) {
        let last = (self.joined as usize).min(MAX_SEATS) - 1;
        self.seats[index] = self.seats[last];
        // SAFETY: `Seat` is `#[repr(C)]` plain bytes (byte arrays and u8 fields): all-zero is a valid value.
        self.seats[last] = unsafe { core::mem::zeroed() };
        self.joined -= 1;
    }

    /// Seeded: the first draw fixed the seed.
    #[inline(always)]
    pub fn seeded(&self) -> bool {
        self.draw_seed != [0; 32]
    }

    /// Half a commit window after a seat was drawn: its worker may hand it back before, and if it has not
    /// committed by then, anyone may have it replaced (a seat drawn in the second half is never replaced).
    #[inline(always)]
    pub fn answer_by(&self, seat: &Seat) -> i64 {
        let window = self.commit_deadline.get() - self.created_at.get();
        seat.drawn_at.get().saturating_add(window / 2)
    }

    /// Open: accepting seats, commits and reveals (not yet finalized or expired). Every phase below is a phase
    /// of an open request.
    #[inline(always)]
    pub fn is_open(&self) -> bool {
        self.status == status::OPEN
    }

    /// Commit phase: an open request before the commit deadline while some seat may still commit.
    #[inline(always)]
    pub fn commit_open(&self, now: i64) -> bool {
        self.is_open() && now < self.commit_deadline.get() && self.commits < self.max_workers
    }

    /// Reveal phase: an open request whose commit phase is over with enough commitments, before the deadline.
    #[inline(always)]
    pub fn reveal_open(&self, now: i64) -> bool {
        self.is_open() && !self.commit_open(now) && self.commits >= self.min_workers && now < self.deadline.get()
    }

    /// Finalizable: an open request with enough commitments, and either the deadline passed or every committer
    /// revealed.
    #[inline(always)]
    pub fn finalizable(&self, now: i64) -> bool {
        self.is_open()
            && self.commits >= self.min_workers
            && (now >= self.deadline.get() || (!self.commit_open(now) && self.reveals == self.commits))
    }

    /// Open to any finalizer (not only the client): `FINALIZE_GRACE_SECS` after the deadline, so a challenger
    /// has time to reveal its label first.
    #[inline(always)]
    pub fn finalizable_by_anyone(&self, now: i64) -> bool {
        self.finalizable(now) && now >= self.deadline.get().saturating_add(crate::constants::FINALIZE_GRACE_SECS)
    }

    /// Expirable: an open request whose commit phase ended without enough commitments.
    #[inline(always)]
    pub fn expirable(&self, now: i64) -> bool {
        self.is_open() && now >= self.commit_deadline.get() && self.commits < self.min_workers
    }
}

impl AccountState for Request {
    const DISCRIMINATOR: [u8; 8] = discriminator::anchor("account:Request");
    const LEN: usize = 8
        + 32
        + 8
        + 32
        + 12
        + MAX_URI_LEN
        + 8 * 6
        + 2 * 4
        + 4
        + 8
        + 2
        + 2
        + 12
        + 8
        + 32
        + 4
        + 4
        + 32
        + Seat::LEN * MAX_SEATS;
}

const _: () = assert!(core::mem::size_of::<Seat>() == Seat::LEN);
const _: () = assert!(core::mem::size_of::<Request>() == Request::LEN);
