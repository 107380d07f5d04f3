//! Places: the embedded gazetteer, toponym recognition and geocoding.
//!
//! The gazetteer (GeoNames countries, first-level regions, US counties and cities of 5,000 people
//! or more) and the country table are embedded; [`PlaceRecognizer`] finds place names in text and
//! resolves each to one gazetteer entry with coordinates.
//!
//! ```
//! use annals_places::{Countries, PlaceContext, PlaceRecognizer};
//!
//! let korea = Countries::builtin().by_name("DPRK").unwrap();
//! assert_eq!(korea.iso3, "PRK");
//!
//! let rec = PlaceRecognizer::new();
//! let found = rec.recognize("Troops gathered near Vladivostok.", &[], &PlaceContext::default());
//! assert_eq!(found[0].country, "RUS");
//! ```

pub mod countries;
mod fasthash;
pub mod gazetteer;
mod index;
pub mod recognize;
pub mod tokens;

pub use countries::{Countries, Country};
pub use gazetteer::{Gazetteer, Place, PlaceKind, PlaceRef};
pub use recognize::{PlaceContext, PlaceMention, PlaceRecognizer};
