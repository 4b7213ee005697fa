package io.skein.coordinator;
