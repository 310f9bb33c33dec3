// The optional map on the submission form (only when the operator configured a tile server):
// tapping the map, or the "mark the centre" button (for keyboard users: Leaflet pans with the
// arrow keys), fills the latitude and longitude fields; typing in them moves the pin.
(function () {
  var el = document.getElementById("map");
  if (!el || !window.L) return;
  var lat = document.getElementById(el.dataset.lat);
  var lon = document.getElementById(el.dataset.lon);
  var known = lat.value && lon.value;
  var map = L.map(el).setView(known ? [parseFloat(lat.value), parseFloat(lon.value)] : [-2.5, 118], known ? 16 : 5);
  map.attributionControl.setPrefix(false);
  L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution }).addTo(map);
  var marker = null;
  function show(latlng) {
    if (marker) marker.setLatLng(latlng);
    else marker = L.marker(latlng, { keyboard: false }).addTo(map);
  }
  function place(latlng) {
    show(latlng);
    lat.value = latlng.lat.toFixed(6);
    lon.value = latlng.lng.toFixed(6);
  }
  if (known) show([parseFloat(lat.value), parseFloat(lon.value)]);
  map.on("click", function (e) { place(e.latlng); });
  var centre = document.getElementById("map-centre");
  centre.hidden = false;
  centre.addEventListener("click", function () { place(map.getCenter()); });
  [lat, lon].forEach(function (input) {
    input.addEventListener("change", function () {
      var a = parseFloat(lat.value), b = parseFloat(lon.value);
      if (!isNaN(a) && !isNaN(b)) { show([a, b]); map.setView([a, b], Math.max(map.getZoom(), 14)); }
    });
  });
})();
