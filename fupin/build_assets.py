"""Copy the front-end libraries installed by npm (package-lock.json) into static/vendor/."""

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules"
VENDOR = Path(__file__).resolve().parent / "static" / "vendor"

FILES = {
    "bootstrap/dist/css/bootstrap.min.css": "bootstrap/bootstrap.min.css",
    "bootstrap/dist/css/bootstrap.min.css.map": "bootstrap/bootstrap.min.css.map",
    "bootstrap/dist/js/bootstrap.bundle.min.js": "bootstrap/bootstrap.bundle.min.js",
    "bootstrap/dist/js/bootstrap.bundle.min.js.map": "bootstrap/bootstrap.bundle.min.js.map",
    "htmx.org/dist/htmx.min.js": "htmx/htmx.min.js",
    "echarts/dist/echarts.min.js": "echarts/echarts.min.js",
    # The field app (fupin/mobile): IndexedDB through idb (an ES module the app imports), and
    # Workbox's loader with the modules the service worker loads from here, not Google's CDN.
    "idb/build/index.js": "idb/index.js",
    "workbox-sw/build/workbox-sw.js": "workbox/workbox-sw.js",
    "workbox-core/build/workbox-core.prod.js": "workbox/workbox-core.prod.js",
    "workbox-routing/build/workbox-routing.prod.js": "workbox/workbox-routing.prod.js",
    "workbox-strategies/build/workbox-strategies.prod.js": "workbox/workbox-strategies.prod.js",
    "workbox-precaching/build/workbox-precaching.prod.js": "workbox/workbox-precaching.prod.js",
}


def main() -> None:
    for source, target in FILES.items():
        src = NODE / source
        if not src.exists():
            raise SystemExit(f"missing {src}: run `npm ci` first")
        dst = VENDOR / target
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)


if __name__ == "__main__":
    main()
