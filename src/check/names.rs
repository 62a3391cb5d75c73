//! The names of TidalCycles and SuperDirt that Phonon does not have (yet): the one
//! list the checker reads when a name is unknown, so that `room` is reported as the
//! SuperDirt control it is rather than as a typo of `zoom`. Only real names of
//! Tidal 1.9 (`Sound.Tidal.*`) and SuperDirt's controls are here; a name Phonon
//! implements is found in the table of built-ins first and never reaches this list.

/// Where a foreign name comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A function of TidalCycles.
    Tidal,
    /// A control (parameter) of SuperDirt, set with `#`.
    SuperDirt,
}

impl Origin {
    /// "a Tidal function", "a SuperDirt control".
    pub fn noun(self) -> &'static str {
        match self {
            Origin::Tidal => "a Tidal function",
            Origin::SuperDirt => "a SuperDirt control",
        }
    }
}

/// TidalCycles functions, by name.
const TIDAL: &[&str] = &[
    "when", "whenT", "ifp", "stutter", "echoWith",
    "euclidOffFull", 
    "wchooseBy",
   
    
    "nTake", "arpeggiate",     
    "sometimesBy'", "somecycles", "somecyclesBy", "wedge",     "envR", "interlace", "inhabit", "ur", "seqP", "seqPLoop",
    "fadeIn", "fadeOut", "jumpIn", "xfade", "clutch", "anticipate", "stretch",
    "trigger", "qtrigger", "binary", "binaryN", "ascii", "necklace", "numerals",     "scan", "cycleChoose",     "nudge",
        "sig", "smooth",
    "lindenmayer", "markovPat", "mono", "arpg", "jux4", "juxcut", ];

/// SuperDirt's controls, by name.
const SUPERDIRT: &[&str] = &[
    "binshift", "channel", "comb", "cps", "djf", "enhance", "fshift", "fshiftnote",
    "fshiftphase", "hbrick", "imag", "krush", "kcutoff", "lbrick", "leslie", "lrate",
    "lsize", "midinote", "octer", "octersub", "octersubsub", "overgain", "overshape",
    "partials", "phaserdepth", "phaserrate", "real", "ring", "ringdf", "ringf", "scram",
    "smear", "squiz", "tremolodepth", "tremolorate", "triode", "tsdelay", "waveloss", "xsdelay",
];

/// Where `name` comes from when it is a Tidal function or a SuperDirt control (a
/// control first: `# room 0.3` is how such names are met).
pub fn foreign(name: &str) -> Option<Origin> {
    if SUPERDIRT.contains(&name) {
        Some(Origin::SuperDirt)
    } else if TIDAL.contains(&name) {
        Some(Origin::Tidal)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_names_are_told_apart() {
        assert_eq!(foreign("leslie"), Some(Origin::SuperDirt));
        assert_eq!(foreign("ur"), Some(Origin::Tidal));
        assert_eq!(foreign("zoomm"), None);
    }

    #[test]
    fn no_name_here_is_a_builtin() {
        for name in TIDAL.iter().chain(SUPERDIRT) {
            assert!(
                crate::check::signatures::lookup(name).is_none(),
                "`{name}` is a built-in now: take it off the list"
            );
        }
    }
}
