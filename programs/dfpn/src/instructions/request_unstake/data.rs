pub use crate::instructions::add_stake::data::AmountData;
