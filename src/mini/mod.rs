//! Mini-notation.
