package io.skein.security;
