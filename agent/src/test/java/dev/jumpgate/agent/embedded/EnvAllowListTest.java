package dev.jumpgate.agent.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class EnvAllowListTest {

    private final EnvAllowList defaults = EnvAllowList.defaults();

    @Test
    void localeVariablesThatDebiansSshSendsAreAccepted() {
        assertThat(defaults.allows("LANG")).isTrue();
        assertThat(defaults.allows("LC_ALL")).isTrue();
        assertThat(defaults.allows("LC_CTYPE")).isTrue();
        assertThat(defaults.allows("LANGUAGE")).isTrue();
        assertThat(defaults.allows("COLORTERM")).isTrue();
    }

    @Test
    void variablesThatChangeWhatRunsAreRefused() {
        for (String name : List.of(
                "LD_PRELOAD",
                "LD_LIBRARY_PATH",
                "PATH",
                "HOME",
                "SHELL",
                "BASH_ENV",
                "TERM",
                "LANGX",
                "lang",
                "XLC_ALL")) {
            assertThat(defaults.allows(name)).as(name).isFalse();
        }
    }

    @Test
    void malformedNamesAreRefused() {
        assertThat(defaults.allows("")).isFalse();
        assertThat(defaults.allows(null)).isFalse();
        assertThat(defaults.allows("LC_A=B")).isFalse();
        assertThat(defaults.allows("LC_\0")).isFalse();
    }

    @Test
    void extraPatternsExtendTheList() {
        EnvAllowList more = new EnvAllowList(List.of("TZ", "GIT_*"));
        assertThat(more.allows("TZ")).isTrue();
        assertThat(more.allows("GIT_AUTHOR_NAME")).isTrue();
        assertThat(more.allows("LANG")).as("only what is listed").isFalse();
    }

    @Test
    void aStarAnywhereButTheEndIsAnError() {
        assertThatThrownBy(() -> new EnvAllowList(List.of("*_PATH"))).hasMessageContaining("trailing *");
    }
}
