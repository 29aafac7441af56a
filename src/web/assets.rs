//! The stylesheets, built into the binary (`include_str!`): one per theme,
//! the shared base rules followed by the theme's own. Each is served under a
//! name that carries its content hash (`/assets/theme-classic-<hash>.css`), so
//! it can be cached for a year: a new build with other rules has other names.

use std::sync::OnceLock;

use sha2::{Digest, Sha256};

const BASE: &str = include_str!("themes/base.css");

const THEMES: [(&str, &str); 5] = [
    ("classic", include_str!("themes/classic.css")),
    ("minimal", include_str!("themes/minimal.css")),
    ("modern", include_str!("themes/modern.css")),
    ("elegant", include_str!("themes/elegant.css")),
    ("terminal", include_str!("themes/terminal.css")),
];

/// How an asset may be cached: its name changes with its content.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The name part that changes whenever the content does: 16 hex digits of
/// its SHA-256.
pub fn content_hash(bytes: &[u8]) -> String {
    crate::auth::password::hex(&Sha256::digest(bytes)[..8])
}

pub struct Asset {
    pub theme: &'static str,
    /// `/assets/theme-<id>-<hash>.css`
    pub path: String,
    pub css: String,
}

fn all() -> &'static [Asset] {
    static ASSETS: OnceLock<Vec<Asset>> = OnceLock::new();
    ASSETS.get_or_init(|| {
        THEMES
            .iter()
            .map(|(id, own)| {
                let css = format!("{BASE}\n/* theme: {id} */\n{own}");
                let hash = content_hash(css.as_bytes());
                Asset {
                    theme: id,
                    path: format!("/assets/theme-{id}-{hash}.css"),
                    css,
                }
            })
            .collect()
    })
}

/// The stylesheet path of a theme (the first, `classic`, for an unknown id).
pub fn theme_path(theme: &str) -> &'static str {
    let all = all();
    &all.iter()
        .find(|a| a.theme == theme)
        .unwrap_or(&all[0])
        .path
}

/// The asset a request path names, if any.
pub fn by_path(path: &str) -> Option<&'static Asset> {
    all().iter().find(|a| a.path == path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_theme_has_its_own_hashed_stylesheet() {
        let paths: Vec<&str> = THEMES.iter().map(|(id, _)| theme_path(id)).collect();
        for (p, (id, _)) in paths.iter().zip(THEMES) {
            assert!(p.starts_with(&format!("/assets/theme-{id}-")), "{p}");
            assert!(by_path(p).is_some());
        }
        let mut unique = paths.clone();
        unique.dedup();
        assert_eq!(unique.len(), 5);
        assert_eq!(theme_path("nope"), theme_path("classic"));
        for id in crate::resume::presentation::THEMES.iter().map(|t| t.id) {
            assert!(
                THEMES.iter().any(|(t, _)| *t == id),
                "{id} has no stylesheet"
            );
        }
    }
}
