//! Named phases on the browser's performance timeline (`keikaku:*`), for DevTools and the
//! benchmarks in `bench/browser`.

use wasm_bindgen::JsCast;

/// A phase on the browser's performance timeline (`performance.measure`), ended when
/// dropped. DevTools shows the phases, and the browser benchmarks print them to show where a
/// slow sync or a slow offline open spends its time.
pub struct Phase {
    name: &'static str,
    started: f64,
}

impl Phase {
    pub fn start(name: &'static str) -> Phase {
        Phase {
            name,
            started: performance().map_or(0.0, |p| p.now()),
        }
    }
}

impl Drop for Phase {
    fn drop(&mut self) {
        let Some(performance) = performance() else {
            return;
        };
        // `measure(name, {start, end})`; web-sys binds that form only as an unstable API.
        let options = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&options, &"start".into(), &self.started.into());
        let _ = js_sys::Reflect::set(&options, &"end".into(), &performance.now().into());
        if let Ok(measure) = js_sys::Reflect::get(&performance, &"measure".into()) {
            if let Ok(measure) = measure.dyn_into::<js_sys::Function>() {
                let _ = measure.call2(&performance, &self.name.into(), &options);
            }
        }
    }
}

fn performance() -> Option<web_sys::Performance> {
    web_sys::window()?.performance()
}
