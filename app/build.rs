//! Turns the interface's texts (`locales/{ja,en}/{section}.json`, one file per section of the
//! interface, a leptos_i18n namespace) into the `i18n` module, after checking that every
//! language has every section and every text: a text missing in one language fails the build
//! instead of showing the other language's at run time.

use std::collections::BTreeSet;
use std::error::Error;
use std::path::PathBuf;

use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};

/// Japanese is the default: plan content is in Japanese.
const LOCALES: [&str; 2] = ["ja", "en"];

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=Cargo.toml");
    let sections = sections_of(LOCALES[0])?;
    for locale in &LOCALES[1..] {
        if sections_of(locale)? != sections {
            return Err(format!(
                "locales/{locale} does not have the sections of locales/{}",
                LOCALES[0]
            )
            .into());
        }
    }
    let mut keys = Vec::new();
    for locale in LOCALES {
        println!("cargo::rerun-if-changed=locales/{locale}");
        let mut found = BTreeSet::new();
        for section in &sections {
            let path = format!("locales/{locale}/{section}.json");
            println!("cargo::rerun-if-changed={path}");
            let text = std::fs::read_to_string(&path)?;
            let value: serde_json::Value = serde_json::from_str(&text)?;
            collect_keys(&value, section, &mut found);
        }
        keys.push((locale, found));
    }
    let all: BTreeSet<&String> = keys.iter().flat_map(|(_, k)| k.iter()).collect();
    let mut missing = Vec::new();
    for (locale, found) in &keys {
        for key in &all {
            if !found.contains(*key) {
                missing.push(format!("{key} (locale {locale})"));
            }
        }
    }
    if !missing.is_empty() {
        return Err(format!("texts missing a translation: {}", missing.join(", ")).into());
    }

    let module_dir = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("no OUT_DIR")?).join("i18n");
    // Texts with values are also needed as plain strings (attributes, titles).
    let options = ParseOptions::default().interpolate_display(true);
    let mut config = Config::new(LOCALES[0])?.parse_options(options);
    for locale in &LOCALES[1..] {
        config = config.add_locale(locale)?;
    }
    for section in &sections {
        config = config.add_namespace(section)?;
    }
    let infos = TranslationsInfos::parse(config)?;
    infos.emit_diagnostics();
    infos.rerun_if_locales_changed();
    infos.generate_i18n_module(module_dir)?;
    Ok(())
}

/// The sections of the interface a language has texts for: its files' names.
fn sections_of(locale: &str) -> Result<BTreeSet<String>, Box<dyn Error>> {
    let mut sections = BTreeSet::new();
    for entry in std::fs::read_dir(format!("locales/{locale}"))? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "json") {
            if let Some(stem) = path.file_stem().and_then(|s| s.to_str()) {
                sections.insert(stem.to_owned());
            }
        }
    }
    Ok(sections)
}

/// Every text's key path (`header.search`), objects being groups of texts.
fn collect_keys(value: &serde_json::Value, prefix: &str, keys: &mut BTreeSet<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (name, child) in map {
                let path = if prefix.is_empty() {
                    name.clone()
                } else {
                    format!("{prefix}.{name}")
                };
                collect_keys(child, &path, keys);
            }
        }
        _ => {
            keys.insert(prefix.to_owned());
        }
    }
}
