export function PlanPage({ params }: { params: Record<string, string> }) {
  return <div className="page">Plan {params.id}</div>;
}
