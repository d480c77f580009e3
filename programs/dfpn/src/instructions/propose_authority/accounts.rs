//! Same accounts as `update_config`.
pub use crate::instructions::update_config::accounts::AuthorityAccounts as ProposeAuthorityAccounts;
