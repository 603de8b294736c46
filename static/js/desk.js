// Behaviour for the desk's pages. No inline scripts anywhere: everything lives in static/js so the
// Content-Security-Policy can stay at script-src 'self'.
"use strict";
