export function PlansPage() {
  return <div className="page">Plans</div>;
}
