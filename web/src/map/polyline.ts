/** Google's encoded polyline (precision 5), the runs service's simplified route. */

export type LatLng = [number, number];

export function decodePolyline(encoded: string, precision = 5): LatLng[] {
  const factor = 10 ** precision;
  const points: LatLng[] = [];
  let index = 0;
  let lat = 0;
  let lng = 0;
  const next = (): number => {
    let result = 0;
    let shift = 0;
    let byte: number;
    do {
      if (index >= encoded.length) throw new Error("truncated polyline");
      byte = encoded.charCodeAt(index++) - 63;
      result |= (byte & 0x1f) << shift;
      shift += 5;
    } while (byte >= 0x20);
    return result & 1 ? ~(result >> 1) : result >> 1;
  };
  while (index < encoded.length) {
    lat += next();
    lng += next();
    points.push([lat / factor, lng / factor]);
  }
  return points;
}

/** The route from a run's series when it has positions, else from its polyline. */
export function routePoints(
  polyline: string,
  latitudes?: ReadonlyArray<number | null>,
  longitudes?: ReadonlyArray<number | null>,
): LatLng[] {
  if (latitudes && longitudes) {
    const points: LatLng[] = [];
    for (let i = 0; i < latitudes.length; i++) {
      const la = latitudes[i];
      const lo = longitudes[i];
      if (la != null && lo != null) points.push([la, lo]);
    }
    if (points.length > 1) return points;
  }
  return polyline ? decodePolyline(polyline) : [];
}
