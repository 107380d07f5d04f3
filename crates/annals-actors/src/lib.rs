//! Actors: countries, organizations, people and media coded country+sector.
