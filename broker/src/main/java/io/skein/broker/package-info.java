package io.skein.broker;
