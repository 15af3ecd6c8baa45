package dev.superscope.checkpoints.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class HubIdTest {
    @Test
    void parsesOrgNameAndRevision() {
        assertEquals(Optional.of(new HubId("EleutherAI/pythia-70m", "main")), HubId.parse("EleutherAI/pythia-70m"));
        assertEquals(Optional.of(new HubId("Qwen/Qwen2.5-0.5B", "v1.0")), HubId.parse("Qwen/Qwen2.5-0.5B@v1.0"));
        assertEquals(Optional.of(new HubId("a_b/c", "refs/pr/1")), HubId.parse("a_b/c@refs/pr/1"));
        HubId commit = HubId.parse("org/name@0123456789abcdef0123456789abcdef01234567").orElseThrow();
        assertTrue(commit.isCommit());
        assertFalse(HubId.parse("org/name").orElseThrow().isCommit());
    }

    @Test
    void rejectsWhatIsNotAHubId() {
        for (String s : new String[] {"gpt2", "", "/abs/path", "./rel/x", "a/b/c", "a/../b", "a/b@", "a/b@x/../y",
                "a/b@/x", "-a/b", "a/.b", "a b/c", "a/b@c d", "../a", "C:\\models\\x", "a//b"}) {
            assertEquals(Optional.empty(), HubId.parse(s), s);
        }
    }
}
