//! What the store's tests share: a data directory removed afterwards, the sample plans, and a
//! store holding the Komagane plan.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use keikaku_domain::format::PlanFile;
use keikaku_domain::import::parse_plan_file;
use keikaku_store::{ImportMode, Store};

/// A directory under the system's temporary one, removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    /// A fresh directory named after the test file and `tag` (and the process, so parallel
    /// runs never share one).
    pub fn new(file: &str, tag: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("keikaku-{file}-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A sample plan of `samples/plans/` (`komagane`, `shimada` …), validated.
pub fn sample(name: &str) -> PlanFile {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../samples/plans/{name}.json"));
    parse_plan_file(&format!("{name}.json"), &std::fs::read(path).unwrap()).unwrap()
}

/// A new store in its own directory holding the Komagane plan.
pub async fn store_with_komagane(file: &str, tag: &str) -> (TempDir, Store) {
    let dir = TempDir::new(file, tag);
    let store = Store::open(&dir.0).await.unwrap();
    store
        .import_plan(&sample("komagane"), ImportMode::Create)
        .await
        .unwrap();
    (dir, store)
}
