//! Places: the embedded gazetteer, toponym recognition and geocoding.
//!
//! ```
//! use annals_places::Countries;
//!
//! let korea = Countries::builtin().by_name("DPRK").unwrap();
//! assert_eq!(korea.iso3, "PRK");
//! ```

pub mod countries;

pub use countries::{Countries, Country};
