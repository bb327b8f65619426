import type { Answer, Probe } from "../http.ts";

// Observations as the checks receive them, for judging without a network.

export function answered(fields: Partial<Answer> = {}): { answer: Answer } {
  return {
    answer: {
      status: 200,
      headers: {},
      body: "",
      url: "https://app.example.com/",
      ms: 20,
      ...fields,
    },
  };
}

export const refused: Probe = { error: "ECONNREFUSED", timedOut: false, ms: 1 };
