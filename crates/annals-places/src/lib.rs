//! Places: the embedded gazetteer, toponym recognition and geocoding.
