/**
 * The route on a Leaflet map, loaded on demand. Tiles come from configuration
 * (VITE_TILE_URL); without one (tests, offline) the route is still drawn, as SVG on a
 * blank map.
 */
import L from "leaflet";
import "leaflet/dist/leaflet.css";
import { useEffect, useRef, type ReactNode } from "react";

import type { LatLng } from "./polyline";

const TILE_URL: string = import.meta.env.VITE_TILE_URL ?? "";
const TILE_ATTRIBUTION: string = import.meta.env.VITE_TILE_ATTRIBUTION ?? "";

export default function RouteMap({ points }: { points: LatLng[] }): ReactNode {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (!element || points.length < 2) return undefined;
    const map = L.map(element, {
      attributionControl: Boolean(TILE_URL),
      scrollWheelZoom: false, // the page scrolls past the map; zoom with its buttons or keys
    });
    if (TILE_URL) L.tileLayer(TILE_URL, { attribution: TILE_ATTRIBUTION, maxZoom: 19 }).addTo(map);
    const line = L.polyline(points, { color: "#d3361b", weight: 4 }).addTo(map);
    L.circleMarker(points[0]!, { radius: 6, color: "#0a7d32", fillOpacity: 1 }).addTo(map);
    L.circleMarker(points[points.length - 1]!, { radius: 6, color: "#222", fillOpacity: 1 }).addTo(map);
    map.fitBounds(line.getBounds(), { padding: [16, 16] });
    return () => {
      map.remove();
    };
  }, [points]);
  return <div ref={box} className="route-map" role="region" aria-label="Route map" />;
}
