"""An offline HTML page that plays a CZML export in CesiumJS, from a Cesium build on disk.

CesiumJS is not bundled: the page loads `Cesium.js` from the `Build/Cesium` folder of the
npm package `cesium` (`npm install cesium`), by a path relative to the page, so the page and
that folder move together. The CZML is written into the page; the imagery is the Natural
Earth II tiles shipped in the build (no Cesium ion, no network); no terrain (the WGS-84
ellipsoid). Cesium reads its assets with XMLHttpRequest, which Chromium refuses from a
file:// page, so the page is served from this machine (`python -m http.server --bind
127.0.0.1` in a folder holding both; docs/interop.md).
"""

from __future__ import annotations

import html
import json
import os
from pathlib import Path

from czml3 import Document

from kamae.errors import KamaeError
from kamae.export.replay import write_output

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<title>{title}</title>
<script src="{cesium}/Cesium.js"></script>
<link href="{cesium}/Widgets/widgets.css" rel="stylesheet">
<style>html, body, #view {{ width: 100%; height: 100%; margin: 0; overflow: hidden; }}</style>
</head>
<body>
<div id="view"></div>
<script>
const czml = {czml};
const viewer = new Cesium.Viewer("view", {{
  baseLayer: Cesium.ImageryLayer.fromProviderAsync(
    Cesium.TileMapServiceImageryProvider.fromUrl(
      Cesium.buildModuleUrl("Assets/Textures/NaturalEarthII"))),
  baseLayerPicker: false, geocoder: false, homeButton: true, sceneModePicker: true,
  navigationHelpButton: false, fullscreenButton: false, infoBox: true,
}});
Cesium.CzmlDataSource.load(czml).then((source) => {{
  viewer.dataSources.add(source);
  viewer.clock.shouldAnimate = true;
  viewer.zoomTo(source);
  document.documentElement.dataset.entities = String(source.entities.values.length);
  document.documentElement.dataset.ready = "yes";
}});
</script>
</body>
</html>
"""


def cesium_build(folder: Path) -> Path:
    """The Cesium build folder (holding Cesium.js): `folder` itself, or its `Build/Cesium`
    (the npm package's root), else a KamaeError."""
    folder = Path(folder)
    for candidate in (folder, folder / "Build" / "Cesium"):
        if (candidate / "Cesium.js").is_file():
            return candidate
    raise KamaeError(
        f"--viewer {folder}: no Cesium.js there or in its Build/Cesium (expected the npm "
        "package cesium: npm install cesium, then node_modules/cesium)"
    )


def write_viewer(doc: Document, path: Path, cesium: Path) -> Path:
    """Write an HTML page at `path` that plays `doc` with the Cesium build `cesium`."""
    path = Path(path)
    build = cesium_build(cesium)
    relative = Path(
        os.path.relpath(os.path.abspath(build), os.path.abspath(path.parent))
    ).as_posix()
    text = json.dumps(json.loads(doc.dumps())).replace("</", "<\\/")  # no early </script>
    title = html.escape(str(doc.packets[0].name or "kamae"))
    page = PAGE.format(title=title, cesium=html.escape(relative, quote=True), czml=text)
    return write_output(path, page)
